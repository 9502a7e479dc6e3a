#include "hv/sched/hv_lock.hpp"

#include "hv/arch/x86_64/ipi.hpp"
#include "hv/arch/x86_64/percpu.hpp"
#include "hv/kernel/log.hpp"
#include "hv/lib/spinlock.hpp"

namespace {
Spinlock g_lock;
constexpr u32 kNoOwner = ~0u;
u32 g_owner = kNoOwner;
} // namespace

void hv_lock_acquire() {
    u32 me = cpu_info()->cpu_id;
    if (__atomic_load_n(&g_owner, __ATOMIC_RELAXED) == me) panic("hypervisor lock taken twice");
    g_lock.lock_polling([] { arch::service_tlb_flush(); });
    __atomic_store_n(&g_owner, me, __ATOMIC_RELAXED);
}

void hv_lock_release() {
    __atomic_store_n(&g_owner, kNoOwner, __ATOMIC_RELAXED);
    g_lock.unlock();
}

const void* hv_lock_word() {
    return &g_lock;
}

bool hv_lock_held() {
    return __atomic_load_n(&g_owner, __ATOMIC_RELAXED) == cpu_info()->cpu_id;
}
