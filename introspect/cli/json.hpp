// A minimal streaming JSON writer for the CLI's --json output: objects,
// arrays, strings, numbers and booleans, with commas handled here.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace glass {

class Json {
  public:
    explicit Json(std::FILE* out) : out_(out) {}
    ~Json() { std::fputc('\n', out_); }

    Json& begin_object() { return open('{'); }
    Json& end_object() { return close('}'); }
    Json& begin_array() { return open('['); }
    Json& end_array() { return close(']'); }
    Json& key(const char* k) {
        comma();
        string(k);
        std::fputc(':', out_);
        after_key_ = true;
        return *this;
    }
    Json& value(const std::string& s) {
        comma();
        string(s.c_str());
        return *this;
    }
    Json& value(const char* s) { return value(std::string(s)); }
    Json& value(bool b) {
        comma();
        std::fputs(b ? "true" : "false", out_);
        return *this;
    }
    Json& value(unsigned long long v) {
        comma();
        std::fprintf(out_, "%llu", v);
        return *this;
    }
    Json& value(unsigned long v) { return value(static_cast<unsigned long long>(v)); }
    Json& value(unsigned v) { return value(static_cast<unsigned long long>(v)); }
    Json& value(int v) { return value(static_cast<unsigned long long>(v)); }
    template <class T>
    Json& field(const char* k, const T& v) {
        key(k);
        return value(v);
    }

  private:
    Json& open(char c) {
        comma();
        std::fputc(c, out_);
        first_.push_back(true);
        return *this;
    }
    Json& close(char c) {
        first_.pop_back();
        std::fputc(c, out_);
        return *this;
    }
    void comma() {
        if (after_key_) {
            after_key_ = false;
            return;
        }
        if (first_.empty()) return;
        if (!first_.back()) std::fputc(',', out_);
        first_.back() = false;
    }
    void string(const char* s) {
        std::fputc('"', out_);
        for (; *s; s++) {
            unsigned char c = static_cast<unsigned char>(*s);
            if (c == '"' || c == '\\')
                std::fprintf(out_, "\\%c", c);
            else if (c < 0x20)
                std::fprintf(out_, "\\u%04x", c);
            else
                std::fputc(c, out_);
        }
        std::fputc('"', out_);
    }

    std::FILE* out_;
    std::vector<bool> first_;
    bool after_key_ = false;
};

} // namespace glass
