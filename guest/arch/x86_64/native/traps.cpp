// Exceptions the native kernel does not expect (entry.S sends #BP, #UD, #GP
// and #PF to guest/proc.cpp, which hands kernel-mode ones other than its
// int3 benchmark here too): report and power off as crashed.
#include "guest/arch/x86_64/native/io.hpp"
#include "guest/arch/x86_64/native/native.hpp"
#include "guest/arch/x86_64/trap_frame.hpp"
#include "guest/console.hpp"

extern "C" void guest_trap_dispatch(guest::TrapFrame* frame) {
    using namespace guest;
    printk("Glasshouse native: unexpected trap %lu error 0x%lx at %p (cr2 %p), cannot recover\n",
           frame->vector, frame->error, reinterpret_cast<void*>(frame->rip),
           reinterpret_cast<void*>(native::read_cr2()));
    native::power_off(true);
}
