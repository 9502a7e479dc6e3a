#include "gui/model/domains_view.hpp"

namespace glass::gui {

u64 running_ns(const DomainSnapshot& d) {
    u64 t = 0;
    for (const auto& v : d.vcpus)
        t += v.runstate_ns[0]; // RUNSTATE_running
    return t;
}

std::string shown_state(const DomainSnapshot& d) {
    if (d.state == "running" && d.pause_count) return "paused";
    return d.state;
}

void DomainsView::update(const DomainsSnapshot& s, u64 now_ns) {
    std::map<u16, u64> cpu;
    rows_.clear();
    double wall = last_now_ns_ && now_ns > last_now_ns_ ? double(now_ns - last_now_ns_) : 0;
    for (const auto& d : s.domains) {
        DomainRow r;
        r.id = d.id;
        r.state = shown_state(d);
        r.paused = r.state == "paused";
        r.mem_kib = d.nr_pages * 4;
        r.max_kib = d.max_pages * 4;
        r.vcpus = static_cast<unsigned>(d.vcpus.size());
        for (const auto& v : d.vcpus)
            if (v.state != "offline") r.vcpus_online++;
        r.cpu_ns = running_ns(d);
        auto prev = last_cpu_ns_.find(d.id);
        if (wall > 0 && prev != last_cpu_ns_.end() && r.cpu_ns >= prev->second)
            r.cpu_pct = 100.0 * double(r.cpu_ns - prev->second) / wall;
        r.weight = d.weight;
        r.cap = d.cap;
        r.cmdline = d.cmdline;
        cpu[d.id] = r.cpu_ns;
        rows_.push_back(std::move(r));
    }
    last_cpu_ns_ = std::move(cpu);
    last_now_ns_ = now_ns;
}

const DomainRow* DomainsView::find(u16 id) const {
    for (const auto& r : rows_)
        if (r.id == id) return &r;
    return nullptr;
}

} // namespace glass::gui
