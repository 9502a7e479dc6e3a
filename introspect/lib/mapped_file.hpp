// A file mapped read-only and shared: QEMU's memory-backend-file, so the
// host sees the guest's writes as they happen, without copying.
#pragma once

#include "introspect/lib/outcome.hpp"

#include "hv/lib/types.hpp"

#include <memory>
#include <string>

namespace glass {

class MappedFile {
  public:
    static Outcome<std::shared_ptr<MappedFile>> open(const std::string& path);
    ~MappedFile();
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;

    const u8* data() const { return data_; }
    u64 size() const { return size_; }

  private:
    MappedFile(const u8* data, u64 size) : data_(data), size_(size) {}
    const u8* data_;
    u64 size_;
};

} // namespace glass
