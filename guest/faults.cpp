#include "guest/faults.hpp"

#include "guest/console.hpp"

namespace guest {

void provoke_fault(Fault fault) {
    switch (fault) {
    case Fault::none:
        return;
    case Fault::page_fault: {
        printk("Glasshouse guest: fault=pf: reading unmapped address %p\n",
               reinterpret_cast<void*>(kUnmappedAddress));
        auto* p = reinterpret_cast<volatile const u64*>(kUnmappedAddress);
        u64 value = *p;
        printk("Glasshouse guest: read %p from unmapped address?!\n",
               reinterpret_cast<void*>(value));
        return;
    }
    case Fault::invalid_opcode:
        printk("Glasshouse guest: fault=ud: executing ud2\n");
        asm volatile("ud2" ::: "memory");
        return;
    case Fault::breakpoint:
        printk("Glasshouse guest: fault=bp: executing int3\n");
        asm volatile("int3" ::: "memory");
        return;
    }
}

} // namespace guest
