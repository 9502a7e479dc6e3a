#include "introspect/lib/grants.hpp"

#include "introspect/lib/domains.hpp"
#include "introspect/lib/record.hpp"

#include "hv/abi/grant_table.hpp"

namespace glass {
namespace {

const char* grant_type(u16 flags) {
    switch (flags & xen::GTF_type_mask) {
    case xen::GTF_permit_access:
        return "permit_access";
    case xen::GTF_accept_transfer:
        return "accept_transfer";
    case xen::GTF_transitive:
        return "transitive";
    }
    return "invalid";
}

// Machine address of the DomainGrants object of `domid`, 0 = none.
u64 grants_phys(const Target& t, u16 domid, bool& dying) {
    const Layout& l = t.layout();
    Field slots = l["phys.GrantSlots"];
    u64 stride = l["sizeof.GrantSlot"].size;
    if (!stride || u64(domid) * stride >= slots.size) return 0;
    Record slot(t, slots.offset + domid * stride);
    dying = slot.get("GrantSlot.dying") != 0;
    return t.hv_phys(slot.get("GrantSlot.grants"));
}

void read_entries(const Target& t, u64 table, GrantsSnapshot& s) {
    const Layout& l = t.layout();
    const MachineMemory& m = t.memory();
    Record r(t, table);
    bool v1 = s.version == 1;
    unsigned per_frame = static_cast<unsigned>(
        l.constant(v1 ? "kGrantEntriesPerFrameV1" : "kGrantEntriesPerFrameV2"));
    unsigned per_active = static_cast<unsigned>(l.constant("kGrantEntriesPerFrameV1"));
    u64 entry_size = v1 ? sizeof(xen::GrantEntryV1) : sizeof(xen::GrantEntryV2);
    u64 active_size = l["sizeof.ActiveEntry"].size;
    for (u32 ref = 0; ref < s.nr_entries; ref++) {
        u64 shared = r.get("GrantTable.shared", 8 * (ref / per_frame)) << kPageShift;
        u64 e = shared + (ref % per_frame) * entry_size;
        u32 hdr = 0;
        if (!m.load(e, hdr)) continue; // a frame outside RAM: torn read
        u16 flags = static_cast<u16>(hdr);
        GrantEntrySnapshot g;
        g.ref = ref;
        g.flags = flags;
        g.type = grant_type(flags);
        g.domid = static_cast<u16>(hdr >> 16);
        g.frame = v1 ? Record::read_uint(m, e + offsetof(xen::GrantEntryV1, frame), 4)
                     : Record::read_uint(m, e + offsetof(xen::GrantEntryV2, frame), 8);
        g.readonly = flags & xen::GTF_readonly;
        u64 act = (r.get("GrantTable.active", 8 * (ref / per_active)) << kPageShift) +
                  (ref % per_active) * active_size;
        Record a(t, act);
        g.host_ro = static_cast<u8>(a.get("ActiveEntry.host_ro"));
        g.host_rw = static_cast<u8>(a.get("ActiveEntry.host_rw"));
        g.dev_ro = static_cast<u8>(a.get("ActiveEntry.dev_ro"));
        g.dev_rw = static_cast<u8>(a.get("ActiveEntry.dev_rw"));
        g.active = g.host_ro | g.host_rw | g.dev_ro | g.dev_rw;
        if (g.active) {
            g.active_domid = static_cast<u16>(a.get("ActiveEntry.domid"));
            g.active_mfn = a.get("ActiveEntry.mfn");
        }
        if ((flags & xen::GTF_type_mask) == xen::GTF_invalid && !g.active) continue;
        s.entries.push_back(g);
    }
}

void read_maptrack(const Target& t, u64 grants, GrantsSnapshot& s) {
    const Layout& l = t.layout();
    u64 base = grants + l["DomainGrants.maptrack"].offset + l["Maptrack.entries"].offset;
    u64 size = l["sizeof.MaptrackEntry"].size;
    u32 count = size ? static_cast<u32>(l["Maptrack.entries"].size / size) : 0;
    u32 in_use = static_cast<u32>(
        Record(t, grants + l["DomainGrants.maptrack"].offset).get("Maptrack.in_use"));
    for (u32 h = 0; h < count && s.mappings.size() < in_use; h++) {
        Record e(t, base + h * size);
        u32 flags = static_cast<u32>(e.get("MaptrackEntry.flags"));
        if (!flags) continue;
        s.mappings.push_back({h, flags, static_cast<u16>(e.get("MaptrackEntry.domid")),
                              static_cast<u32>(e.get("MaptrackEntry.ref")),
                              e.get("MaptrackEntry.mfn")});
    }
}

} // namespace

const GrantEntrySnapshot* GrantsSnapshot::find(u32 ref) const {
    for (const auto& e : entries)
        if (e.ref == ref) return &e;
    return nullptr;
}

Outcome<GrantsSnapshot> read_grants(const Target& t, u16 domid) {
    using R = Outcome<GrantsSnapshot>;
    auto doms = read_domains(t);
    if (!doms.ok()) return R::failure(doms.error());
    if (!doms->find(domid)) return R::failure("no such domain " + std::to_string(domid));
    const Layout& l = t.layout();
    GrantsSnapshot s;
    s.domid = domid;
    bool missing = false;
    s.stamp = t.read_consistent([&] {
        s.entries.clear();
        s.mappings.clear();
        bool dying = false;
        u64 grants = grants_phys(t, domid, dying);
        missing = !grants;
        if (missing) return;
        s.dying = dying;
        u64 table = grants + l["DomainGrants.table"].offset;
        Record r(t, table);
        s.version = static_cast<unsigned>(r.get("GrantTable.version"));
        s.nr_frames = static_cast<unsigned>(r.get("GrantTable.nr_frames"));
        unsigned per_frame = static_cast<unsigned>(
            l.constant(s.version == 1 ? "kGrantEntriesPerFrameV1" : "kGrantEntriesPerFrameV2"));
        unsigned max_frames = l["GrantTable.shared"].size / 8;
        if (s.nr_frames > max_frames) s.nr_frames = max_frames; // torn: bounded anyway
        s.nr_entries = s.nr_frames * per_frame;
        s.has_table = s.nr_frames != 0;
        read_entries(t, table, s);
        read_maptrack(t, grants, s);
    });
    if (missing && s.stamp.consistent)
        return R::failure("domain " + std::to_string(domid) +
                          " has no grant state (no grant table set up, no grant mapped)");
    return s;
}

} // namespace glass
