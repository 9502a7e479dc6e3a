#include "traces/replay/callers.hpp"

#include "hv/core/hypercall/foreign_owner.hpp"

#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace glass::replay {

usize RecordedMemory::next_guest(usize from) const {
    while (from < reads_.size() && reads_[from].machine_frame)
        from++;
    return from;
}

Status RecordedMemory::read(void* dst, u64 va, usize n) {
    // A read larger than one record's limit was recorded as several
    // records with consecutive addresses.
    auto* out = static_cast<u8*>(dst);
    usize got = 0;
    usize p = next_guest(pos_);
    if (p >= reads_.size()) return XEN_EFAULT; // it faulted when recorded
    while (got < n) {
        p = next_guest(p);
        const RecordedRead* r = p < reads_.size() ? &reads_[p] : nullptr;
        usize want = n - got;
        if (!r || r->va != va + got || r->data.size() > want ||
            (r->data.size() < want && r->data.size() != trace::kMaxReadBytes)) {
            if (mismatch_.empty()) {
                char buf[160];
                if (r)
                    std::snprintf(buf, sizeof buf,
                                  "replay read %zu bytes at %#" PRIx64
                                  ", recorded %zu at %#" PRIx64,
                                  n, va, r->data.size(), r->va);
                else
                    std::snprintf(buf, sizeof buf,
                                  "replay read %zu bytes at %#" PRIx64 " past the recorded reads",
                                  n, va);
                mismatch_ = buf;
                mismatch_record_ = r ? r->record : (reads_.empty() ? 0 : reads_.back().record);
            }
            pos_ = reads_.size();
            return XEN_EFAULT;
        }
        std::memcpy(out + got, r->data.data(), r->data.size());
        got += r->data.size();
        p++;
    }
    pos_ = p;
    return {};
}

Status RecordedMemory::write(u64, const void*, usize) {
    stats_.guest_writes++;
    return {};
}

usize RecordedMemory::unread() const {
    usize n = 0;
    for (usize p = next_guest(pos_); p < reads_.size(); p = next_guest(p + 1))
        n++;
    return n;
}

u64 RecordedMemory::first_unread_record() const {
    usize p = next_guest(pos_);
    return p < reads_.size() ? reads_[p].record : 0;
}

hcore::OtherDomain ReplayMmuCaller::other(u16 domid) const {
    const DomainState* d = m_.domain(domid);
    if (!d) return hcore::OtherDomain::missing;
    return hcore::OtherDomain::live;
}

Result<u16> ReplayMmuCaller::frame_owner(u16 domid) {
    hcore::ForeignCaller c{d_.id, d_.privileged};
    auto o =
        hcore::needs_lookup_for_frame_owner(c, domid) ? other(domid) : hcore::OtherDomain::missing;
    return hcore::frame_owner(c, domid, o);
}

Result<hcore::TableOwner> ReplayMmuCaller::table_owner(u16 pfd_plus_one) {
    hcore::ForeignCaller c{d_.id, d_.privileged};
    u16 domid = static_cast<u16>(pfd_plus_one - 1);
    auto o = hcore::needs_lookup_for_table_owner(c, pfd_plus_one) ? other(domid)
                                                                  : hcore::OtherDomain::missing;
    auto id = hcore::table_owner(c, pfd_plus_one, o);
    if (!id.ok()) return id.error();
    const DomainState* owner = m_.domain(*id);
    return hcore::TableOwner{&owner->mm, *id == d_.id};
}

EvtchnTable* ReplayEvtchnCaller::table(u16 domid) {
    DomainState* d = m_.domain(domid);
    return d ? d->evtchn.get() : nullptr;
}

} // namespace glass::replay
