// The real XTF pv64 kernels (built in ../shared/xtf, never copied into the
// repo) must load: values pv-abi §1.3/§1.4 states for test-pv64-example,
// and every test-pv64-* through notes, layout and segment copy. Skipped
// with a warning when the XTF tree is absent.
#include "hv/abi/elfnote.hpp"
#include "hv/core/domain/build_layout.hpp"
#include "hv/core/domain/hypercall_page.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const fs::path kXtfDir = GLASS_XTF_DIR;

std::vector<u8> read_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::vector<u8>(std::istreambuf_iterator<char>(in), {});
}

std::vector<fs::path> pv64_kernels() {
    std::vector<fs::path> out;
    std::error_code ec;
    for (const auto& dir : fs::directory_iterator(kXtfDir / "tests", ec))
        for (const auto& f : fs::directory_iterator(dir.path(), ec))
            if (f.path().filename().string().rfind("test-pv64-", 0) == 0) out.push_back(f.path());
    std::sort(out.begin(), out.end());
    return out;
}

// Guest memory for the whole initial mapping as one flat buffer at v_start.
class FlatGuest : public GuestMemoryWriter {
  public:
    FlatGuest(u64 base, u64 size) : base_(base), mem_(size, 0xa5) {}
    Status write(u64 va, const u8* src, u64 len) override {
        if (va < base_ || va - base_ + len > mem_.size()) return XEN_EFAULT;
        std::copy(src, src + len, mem_.begin() + static_cast<long>(va - base_));
        return {};
    }
    Status zero(u64 va, u64 len) override {
        if (va < base_ || va - base_ + len > mem_.size()) return XEN_EFAULT;
        std::fill_n(mem_.begin() + static_cast<long>(va - base_), len, 0);
        return {};
    }
    u8* at(u64 va) { return mem_.data() + (va - base_); }

  private:
    u64 base_;
    std::vector<u8> mem_;
};

} // namespace

TEST_CASE("XTF test-pv64-example loads with the values pv-abi states", "[elf][xtf]") {
    fs::path example = kXtfDir / "tests/example/test-pv64-example";
    if (!fs::exists(example)) {
        WARN("skipped: " << example << " not found");
        return;
    }
    std::vector<u8> file = read_file(example);
    PvImage img;
    LoadStatus st = load_pv_image(file.data(), file.size(), true, img);
    INFO(st.reason());
    REQUIRE(st.ok());
    CHECK(img.entry == 0x100000);
    CHECK(img.virt_base == 0);
    CHECK(img.virt_kstart == 0x100000);
    CHECK(img.virt_kend == 0x111000);
    CHECK(img.hypercall_page.present);
    CHECK(img.hypercall_page.value == 0x106000);
    CHECK(img.features_required == 1u << xen::XENFEAT_writable_page_tables);
    REQUIRE(img.segment_count == 1);
    CHECK(img.segments[0].dest_va == 0x100000);
    CHECK(img.segments[0].filesz == 0x7e18);
    CHECK(img.segments[0].memsz == 0x11000);

    BuildLayout l;
    REQUIRE(compute_build_layout(img, 0x8000, 0, l).ok());
    CHECK(l.pt_start == 0x152000);
    CHECK(l.nr_pt_frames == 5);
    CHECK(l.v_end == 0x400000);
}

TEST_CASE("Every XTF pv64 kernel parses, lays out and copies", "[elf][xtf]") {
    std::vector<fs::path> kernels = pv64_kernels();
    if (kernels.empty()) {
        WARN("skipped: no XTF kernels under " << kXtfDir);
        return;
    }
    CHECK(kernels.size() == 39);
    for (const fs::path& k : kernels) {
        INFO(k.filename().string());
        std::vector<u8> file = read_file(k);
        PvImage img;
        LoadStatus st = load_pv_image(file.data(), file.size(), true, img);
        INFO(st.reason());
        REQUIRE(st.ok());
        CHECK(img.entry == 0x100000);
        CHECK(img.virt_kstart == 0x100000);
        CHECK(img.virt_kend > 0x100000);
        CHECK(img.virt_kend <= 0x200000);
        REQUIRE(img.hypercall_page.present);
        u64 hp = img.hypercall_page.value;
        CHECK((hp == 0x106000 || hp == 0x107000 || hp == 0x108000));

        BuildLayout l;
        REQUIRE(compute_build_layout(img, 0x8000, 0, l).ok());
        FlatGuest guest(l.v_start, l.v_end - l.v_start);
        REQUIRE(copy_pv_segments(img, guest).ok());
        // The copied image: the entry point's first bytes come from the file.
        const PvSegment& seg = img.segments[0];
        CHECK(std::equal(file.begin() + static_cast<long>(seg.file_offset),
                         file.begin() + static_cast<long>(seg.file_offset + seg.filesz),
                         guest.at(seg.dest_va)));
        CHECK(*guest.at(seg.dest_va + seg.memsz - 1) == 0); // bss zeroed
        fill_pv64_hypercall_page(guest.at(hp));
        CHECK(*guest.at(hp) == 0x51);
    }
}
