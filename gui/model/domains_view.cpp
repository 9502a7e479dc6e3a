#include "gui/model/domains_view.hpp"

namespace glass::gui {

u64 running_ns(const DomainSnapshot& d, u64 now_ns) {
    u64 t = 0;
    for (const auto& v : d.vcpus) {
        t += v.runstate_ns[0]; // RUNSTATE_running, stints already ended
        // The clock is published up to 10 ms late: a stint that began
        // after it counts from the next read.
        if (v.runstate == "running" && now_ns > v.state_entry_ns) t += now_ns - v.state_entry_ns;
    }
    return t;
}

std::string shown_state(const DomainSnapshot& d) {
    if (d.state == "running" && d.pause_count) return "paused";
    return d.state;
}

void DomainsView::update(const DomainsSnapshot& s, u64 host_now_ns) {
    bool host = s.now_ns == 0;
    if (host != host_clock_) history_.clear(); // never mix the two clocks
    host_clock_ = host;
    u64 clock = host ? host_now_ns : s.now_ns;
    std::map<u16, std::deque<Sample>> next;
    rows_.clear();
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
        r.cpu_ns = running_ns(d, host ? 0 : s.now_ns);
        std::deque<Sample> h;
        if (auto it = history_.find(d.id); it != history_.end()) h = std::move(it->second);
        // A clock or CPU time that went back (a new domain under a reused
        // id, a restarted machine) starts the history again.
        if (!h.empty() && (clock < h.back().clock_ns || r.cpu_ns < h.back().cpu_ns)) h.clear();
        if (h.empty() || clock > h.back().clock_ns) h.push_back({clock, r.cpu_ns});
        // Keep the newest sample that is at least a window old as the base.
        while (h.size() > 2 && clock - h[1].clock_ns >= kWindowNs)
            h.pop_front();
        const Sample& base = h.front();
        if (clock > base.clock_ns)
            r.cpu_pct = 100.0 * double(r.cpu_ns - base.cpu_ns) / double(clock - base.clock_ns);
        next[d.id] = std::move(h);
        r.weight = d.weight;
        r.cap = d.cap;
        r.cmdline = d.cmdline;
        rows_.push_back(std::move(r));
    }
    history_ = std::move(next);
}

const DomainRow* DomainsView::find(u16 id) const {
    for (const auto& r : rows_)
        if (r.id == id) return &r;
    return nullptr;
}

} // namespace glass::gui
