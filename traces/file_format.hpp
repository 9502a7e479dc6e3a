// On-disk layout of a trace file (FORMAT.md describes it in prose; this is
// the single definition). A file is: FileHeader, the snapshot chunk, record
// chunks, the index, the footer. Every structure carries a CRC32 so the
// reader can say exactly which bytes are damaged.
#pragma once

#include <cstddef>
#include <cstdint>

namespace glass::trace {

// Version of the file format (not of the tools). Major: a reader of another
// major refuses the file. Minor: additions older readers may ignore. Patch:
// fixes that change no layout. Log: FORMAT.md "Version log".
constexpr std::uint16_t kVersionMajor = 1;
constexpr std::uint16_t kVersionMinor = 1;
constexpr std::uint16_t kVersionPatch = 0;

// "GLTRACE" plus 0x1A, which stops `type` on some systems, as PNG's magic does.
constexpr std::uint8_t kFileMagic[8] = {'G', 'L', 'T', 'R', 'A', 'C', 'E', 0x1A};
constexpr std::uint8_t kFooterMagic[8] = {'G', 'L', 'T', 'R', 'E', 'N', 'D', 0x1A};
constexpr std::uint32_t kChunkMagic = 0x4B4E4843; // "CHNK"
constexpr std::uint32_t kIndexMagic = 0x58444E49; // "INDX"

// FileHeader.flags bits.
constexpr std::uint32_t kFlagCompressed = 1u << 0; // record chunks use zstd

struct FileHeader {
    std::uint8_t magic[8];
    std::uint16_t version_major;
    std::uint16_t version_minor;
    std::uint16_t version_patch;
    std::uint16_t header_bytes; // size of this header as written; newer minors may grow it
    std::uint32_t flags;
    std::uint32_t records_per_chunk; // every record chunk but the last holds at most this many
    std::uint64_t created_unix_ns;   // wall clock when the file was created
    std::uint64_t time_base_ns;      // hypervisor system time when recording started
    char creator[64];                // NUL-padded: program and version that wrote the file
    std::uint8_t reserved[20];
    std::uint32_t header_crc; // CRC32 of the header_bytes - 4 bytes before it
};
static_assert(sizeof(FileHeader) == 128);
static_assert(offsetof(FileHeader, version_major) == 8);
static_assert(offsetof(FileHeader, header_bytes) == 14);
static_assert(offsetof(FileHeader, flags) == 16);
static_assert(offsetof(FileHeader, records_per_chunk) == 20);
static_assert(offsetof(FileHeader, created_unix_ns) == 24);
static_assert(offsetof(FileHeader, creator) == 40);
static_assert(offsetof(FileHeader, header_crc) == 124);

enum class ChunkKind : std::uint16_t {
    Snapshot = 1, // exactly one, right after the header, before any Records chunk
    Records = 2,
};

enum class Codec : std::uint16_t {
    None = 0,
    Zstd = 1,
};

struct ChunkHeader {
    std::uint32_t magic;        // kChunkMagic
    std::uint16_t kind;         // ChunkKind
    std::uint16_t codec;        // Codec
    std::uint32_t raw_bytes;    // records, uncompressed
    std::uint32_t stored_bytes; // bytes that follow this header
    std::uint64_t first_record; // index of its first record in the event stream
    std::uint32_t record_count;
    std::uint32_t data_crc; // CRC32 of the stored bytes
    std::uint32_t reserved;
    std::uint32_t header_crc; // CRC32 of the 36 bytes before it
};
static_assert(sizeof(ChunkHeader) == 40);
static_assert(offsetof(ChunkHeader, raw_bytes) == 8);
static_assert(offsetof(ChunkHeader, first_record) == 16);
static_assert(offsetof(ChunkHeader, data_crc) == 28);
static_assert(offsetof(ChunkHeader, header_crc) == 36);

// Bound on one chunk's uncompressed size, so a damaged or hostile file cannot
// make the reader allocate more.
constexpr std::uint32_t kMaxChunkRawBytes = 64u << 20;
constexpr std::uint32_t kMaxRecordsPerChunk = 1u << 20;

struct IndexHeader {
    std::uint32_t magic; // kIndexMagic
    std::uint32_t chunk_count;
    std::uint32_t checkpoint_count;
    std::uint32_t reserved;
    std::uint64_t record_count;
};
static_assert(sizeof(IndexHeader) == 24);

// One per Records chunk, in file order; first_record values are contiguous.
struct IndexChunk {
    std::uint64_t offset; // of the ChunkHeader
    std::uint64_t first_record;
    std::uint32_t record_count;
    std::uint32_t raw_bytes;
};
static_assert(sizeof(IndexChunk) == 24);

// One per Checkpoint record, in stream order.
struct IndexCheckpoint {
    std::uint64_t record_index;
    std::uint64_t time_ns;
    std::uint64_t frame_table_hash;
    std::uint64_t evtchn_hash;
};
static_assert(sizeof(IndexCheckpoint) == 32);

// The last 32 bytes of a complete file.
struct Footer {
    std::uint64_t index_offset;
    std::uint64_t index_bytes; // IndexHeader and both tables
    std::uint32_t index_crc;   // CRC32 of those index_bytes
    std::uint32_t footer_crc;  // CRC32 of the 20 bytes before it
    std::uint8_t magic[8];     // kFooterMagic
};
static_assert(sizeof(Footer) == 32);
static_assert(offsetof(Footer, footer_crc) == 20);

} // namespace glass::trace
