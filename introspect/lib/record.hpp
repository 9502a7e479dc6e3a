// Reads fields of one hypervisor record in machine memory by layout name
// ("Domain.nr_pages"), each with one naturally sized load. A field outside
// RAM reads 0: callers check the record's base before trusting it.
#pragma once

#include "introspect/lib/target.hpp"

#include <string>

namespace glass {

class Record {
  public:
    Record(const Target& t, u64 base) : t_(t), base_(base) {}
    u64 get(const std::string& name, u64 extra = 0) const {
        Field f = t_.layout()[name];
        return read_uint(t_.memory(), base_ + f.offset + extra, f.size);
    }
    u64 base() const { return base_; }

    static u64 read_uint(const MachineMemory& m, u64 pa, u32 size) {
        switch (size) {
        case 1:
            return load<u8>(m, pa);
        case 2:
            return load<u16>(m, pa);
        case 4:
            return load<u32>(m, pa);
        default:
            return load<u64>(m, pa);
        }
    }
    u64 read_uint(u64 pa, u32 size) const { return read_uint(t_.memory(), pa, size); }

  private:
    template <class T>
    static u64 load(const MachineMemory& m, u64 pa) {
        T v{};
        return m.load(pa, v) ? v : 0;
    }

    const Target& t_;
    u64 base_;
};

} // namespace glass
