// CRC32 (IEEE 802.3, the polynomial of zlib and PNG), so a damaged file can be
// checked with standard tools too.
#pragma once

#include <cstddef>
#include <cstdint>

namespace glass::trace {

// Continue a CRC: crc32(crc32(0, a), b) == crc32 of a followed by b.
std::uint32_t crc32(std::uint32_t crc, const void* data, std::size_t len);

inline std::uint32_t crc32(const void* data, std::size_t len) {
    return crc32(0, data, len);
}

} // namespace glass::trace
