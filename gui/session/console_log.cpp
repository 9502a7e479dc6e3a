#include "gui/session/console_log.hpp"

#include <cctype>

namespace glass::gui {

int ConsoleLog::source_of(const std::string& line) {
    // "(d12) text": the hypervisor's console prefix for domain output.
    if (line.size() < 4 || line[0] != '(' || line[1] != 'd') return kHypervisor;
    size_t i = 2;
    int id = 0;
    while (i < line.size() && i < 8 && std::isdigit(static_cast<unsigned char>(line[i])))
        id = id * 10 + (line[i++] - '0');
    if (i == 2 || i >= line.size() || line[i] != ')') return kHypervisor;
    return id;
}

void ConsoleLog::add(const std::string& line) {
    int src = source_of(line);
    std::lock_guard<std::mutex> g(mu_);
    auto& q = by_source_[src];
    q.push_back(line);
    if (q.size() > max_) q.pop_front();
    totals_[src]++;
    all_.push_back(line);
    if (all_.size() > max_ * 4) all_.pop_front();
    added_++;
}

std::vector<std::string> ConsoleLog::lines(int source, uint64_t* total) const {
    std::lock_guard<std::mutex> g(mu_);
    auto it = by_source_.find(source);
    if (total) {
        auto t = totals_.find(source);
        *total = t == totals_.end() ? 0 : t->second;
    }
    if (it == by_source_.end()) return {};
    return {it->second.begin(), it->second.end()};
}

std::vector<std::string> ConsoleLog::all() const {
    std::lock_guard<std::mutex> g(mu_);
    return {all_.begin(), all_.end()};
}

std::vector<int> ConsoleLog::sources() const {
    std::lock_guard<std::mutex> g(mu_);
    std::vector<int> out;
    for (const auto& [src, q] : by_source_)
        out.push_back(src);
    return out;
}

uint64_t ConsoleLog::added() const {
    std::lock_guard<std::mutex> g(mu_);
    return added_;
}

} // namespace glass::gui
