// The serial console of a launched scenario, split by who wrote each line:
// "(dN) ..." lines belong to domain N, "hv: ..." and the rest to the
// hypervisor. Fed from the launcher's reader thread, read by the frame
// loop; bounded so a chatty guest cannot grow it without limit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace glass::gui {

class ConsoleLog {
  public:
    static constexpr int kHypervisor = -1;
    explicit ConsoleLog(size_t max_lines_per_source = 5000) : max_(max_lines_per_source) {}

    // Who wrote `line`: a domain id or kHypervisor.
    static int source_of(const std::string& line);
    void add(const std::string& line);

    // Lines of one source (domain id or kHypervisor), oldest first, and
    // `total` ever added for it (to notice new lines cheaply).
    std::vector<std::string> lines(int source, uint64_t* total = nullptr) const;
    // Every line in arrival order (the "all" view).
    std::vector<std::string> all() const;
    std::vector<int> sources() const;
    uint64_t added() const;

  private:
    size_t max_;
    mutable std::mutex mu_;
    std::map<int, std::deque<std::string>> by_source_;
    std::map<int, uint64_t> totals_;
    std::deque<std::string> all_;
    uint64_t added_ = 0;
};

} // namespace glass::gui
