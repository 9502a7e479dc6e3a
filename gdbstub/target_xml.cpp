// target.xml generator (see target_xml.hpp).
//
// gdb 13 accepts an i386:x86-64 description when org.gnu.gdb.i386.core
// holds the 24 general/segment registers and the 16 x87 registers (it
// checks them by name); fs_base/gs_base are recognised in
// org.gnu.gdb.i386.segments. gdb has no feature for system registers, so
// k_gs_base, the control registers and EFER sit in org.gnu.gdb.i386.sys,
// the name QEMU's x86 stub uses; gdb shows them as extra registers.
#include "gdbstub/target_xml.hpp"

#include "gdbstub/registers.hpp"

namespace gdb {

namespace {

struct Flag {
    const char* name;
    u8 bit;
};

constexpr Flag kEflags[] = {
    {"CF", 0},  {"", 1},    {"PF", 2},   {"AF", 4},   {"ZF", 6},  {"SF", 7},
    {"TF", 8},  {"IF", 9},  {"DF", 10},  {"OF", 11},  {"NT", 14}, {"RF", 16},
    {"VM", 17}, {"AC", 18}, {"VIF", 19}, {"VIP", 20}, {"ID", 21},
};

struct Feature {
    RegGroup group;
    const char* name;
};

constexpr Feature kFeatures[] = {
    {RegGroup::Core, "org.gnu.gdb.i386.core"},
    {RegGroup::Segments, "org.gnu.gdb.i386.segments"},
    {RegGroup::System, "org.gnu.gdb.i386.sys"},
};

void write_eflags_type(DocWindow& doc) {
    doc.put("<flags id=\"i386_eflags\" size=\"4\">\n");
    for (const Flag& f : kEflags) {
        doc.put("<field name=\"");
        doc.put(f.name);
        doc.put("\" start=\"");
        doc.put_dec(f.bit);
        doc.put("\" end=\"");
        doc.put_dec(f.bit);
        doc.put("\"/>\n");
    }
    doc.put("</flags>\n");
}

} // namespace

void write_target_xml(DocWindow& doc) {
    doc.put("<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
            "<target version=\"1.0\">\n<architecture>i386:x86-64</architecture>\n");
    for (const Feature& f : kFeatures) {
        doc.put("<feature name=\"");
        doc.put(f.name);
        doc.put("\">\n");
        if (f.group == RegGroup::Core) write_eflags_type(doc);
        for (unsigned r = 0; r < kRegCount; ++r) {
            const RegInfo& ri = reg_info(r);
            if (ri.group != f.group) continue;
            doc.put("<reg name=\"");
            doc.put(ri.name);
            doc.put("\" bitsize=\"");
            doc.put_dec(ri.bits);
            doc.put("\" type=\"");
            doc.put(ri.type);
            doc.put("\" regnum=\"");
            doc.put_dec(r);
            doc.put("\"/>\n");
        }
        doc.put("</feature>\n");
    }
    doc.put("</target>\n");
}

} // namespace gdb
