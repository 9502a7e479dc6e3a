// Where trace bytes come from and go to: files for the tools, memory for the
// fuzzer and the tests. Reading is random access (pread), writing is
// append-only so a writer never seeks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "traces/status.hpp"

namespace glass::trace {

class Source {
  public:
    virtual ~Source() = default;
    virtual std::uint64_t size() const = 0;
    // Reads exactly n bytes at off; false if they are not all there.
    virtual bool read(std::uint64_t off, void* dst, std::size_t n) = 0;
};

class Sink {
  public:
    virtual ~Sink() = default;
    virtual Status write(const void* src, std::size_t n) = 0;
    virtual Status close() = 0;
};

class MemorySource final : public Source {
  public:
    MemorySource(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
    std::uint64_t size() const override { return size_; }
    bool read(std::uint64_t off, void* dst, std::size_t n) override;

  private:
    const std::uint8_t* data_;
    std::size_t size_;
};

class MemorySink final : public Sink {
  public:
    Status write(const void* src, std::size_t n) override;
    Status close() override { return {}; }
    std::vector<std::uint8_t>& bytes() { return bytes_; }

  private:
    std::vector<std::uint8_t> bytes_;
};

// Opens `path` for reading; sets `err` and returns null on failure.
std::unique_ptr<Source> open_file_source(const std::string& path, std::string& err);
// Creates or truncates `path`.
std::unique_ptr<Sink> open_file_sink(const std::string& path, std::string& err);

} // namespace glass::trace
