// A host-side Target for the gdbstub tests, the fuzzer and the fake server:
// two domains (dom0 with 2 vCPUs, dom1 with 1) whose "CPUs" execute NOPs.
// Each domain maps a code region of NOPs and a data region of a known
// pattern; everything else is unmapped. continue runs until the next
// breakpoint in the domain's address space (or, when a write watchpoint is
// set, "writes" the watched word and stops there); step advances rip by
// one NOP.
#pragma once

#include "gdbstub/target.hpp"

#include <cstdint>
#include <map>
#include <set>
#include <tuple>
#include <vector>

namespace gdb::test {

constexpr u64 kCodeBase = 0xffffffff81000000ull;
constexpr u64 kCodeSize = 0x10000;
constexpr u64 kDataBase = 0xffffffff82000000ull;
constexpr u64 kDataSize = 0x2000;

class FakeTarget final : public Target {
  public:
    FakeTarget();

    bool thread_at(usize index, ThreadRef& out) override;
    bool thread_alive(ThreadRef t) override;
    Error read_registers(ThreadRef t, RegisterFile& rf) override;
    Error write_registers(ThreadRef t, const RegisterFile& rf) override;
    Error read_memory(ThreadRef t, u64 addr, u8* buf, usize len, usize& done) override;
    Error write_memory(ThreadRef t, u64 addr, const u8* buf, usize len) override;
    Error insert_breakpoint(BreakKind k, ThreadRef t, u64 addr, u64 kind) override;
    Error remove_breakpoint(BreakKind k, ThreadRef t, u64 addr, u64 kind) override;
    Error resume(const ResumeAction* actions, usize n) override;
    Error interrupt() override;
    bool poll_stop(StopEvent& out) override;
    StopEvent halt_reason() override { return last_; }
    Error detach() override;
    Error kill() override;
    bool domain_at(usize index, DomainInfo& out) override;
    Error pause_domain(u16 dom) override;
    Error unpause_domain(u16 dom) override;
    Error attach_domain(u16 dom) override;
    bool layout_at(usize index, LayoutRegion& out) override;

    // Test hooks.
    usize breakpoint_count() const { return breaks_.size(); }
    std::vector<ResumeAction> last_resume;
    bool killed = false;
    bool detached = false;
    int attached_domain = 0;
    // When true, continue never stops by itself (only interrupt() stops it).
    bool run_forever = false;

  private:
    struct Domain {
        u16 id;
        u16 vcpus;
        DomainState state;
        std::vector<u8> code;
        std::vector<u8> data;
    };
    struct Key {
        BreakKind kind;
        u16 domain;
        u64 addr;
        u64 len;
        bool operator<(const Key& o) const {
            return std::tie(kind, domain, addr, len) < std::tie(o.kind, o.domain, o.addr, o.len);
        }
    };
    Domain* domain(u16 id);
    u8* byte_at(u16 dom, u64 addr);
    RegisterFile& regs(ThreadRef t) { return regs_[thread_id(t)]; }

    std::vector<Domain> domains_;
    std::map<u64, RegisterFile> regs_;
    std::set<Key> breaks_;
    StopEvent last_;
    bool running_ = false;
    bool pending_ = false;
    StopEvent pending_ev_;
};

} // namespace gdb::test
