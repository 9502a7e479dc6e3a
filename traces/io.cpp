#include "traces/io.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace glass::trace {

bool MemorySource::read(std::uint64_t off, void* dst, std::size_t n) {
    if (off > size_ || n > size_ - off) return false;
    std::memcpy(dst, data_ + off, n);
    return true;
}

Status MemorySink::write(const void* src, std::size_t n) {
    auto p = static_cast<const std::uint8_t*>(src);
    bytes_.insert(bytes_.end(), p, p + n);
    return {};
}

namespace {

class FileSource final : public Source {
  public:
    FileSource(int fd, std::uint64_t size) : fd_(fd), size_(size) {}
    ~FileSource() override { ::close(fd_); }
    std::uint64_t size() const override { return size_; }
    bool read(std::uint64_t off, void* dst, std::size_t n) override {
        auto p = static_cast<char*>(dst);
        while (n) {
            ssize_t r = ::pread(fd_, p, n, static_cast<off_t>(off));
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) return false;
            p += r;
            off += static_cast<std::uint64_t>(r);
            n -= static_cast<std::size_t>(r);
        }
        return true;
    }

  private:
    int fd_;
    std::uint64_t size_;
};

// Buffers writes: the writer hands over one chunk at a time, often small.
class FileSink final : public Sink {
  public:
    explicit FileSink(int fd) : fd_(fd) { buf_.reserve(kBuffer); }
    ~FileSink() override {
        if (fd_ >= 0) (void)close();
    }
    Status write(const void* src, std::size_t n) override {
        auto p = static_cast<const std::uint8_t*>(src);
        if (buf_.size() + n > kBuffer) {
            if (Status s = flush(); !s) return s;
            if (n >= kBuffer) return write_all(p, n);
        }
        buf_.insert(buf_.end(), p, p + n);
        return {};
    }
    Status close() override {
        Status s = flush();
        if (fd_ >= 0 && ::close(fd_) != 0 && s) s = fail("close");
        fd_ = -1;
        return s;
    }

  private:
    static constexpr std::size_t kBuffer = 1 << 20;
    Status fail(const char* what) {
        return Status::fail(written_, std::string(what) + " failed: " + std::strerror(errno));
    }
    Status flush() {
        Status s = write_all(buf_.data(), buf_.size());
        buf_.clear();
        return s;
    }
    Status write_all(const std::uint8_t* p, std::size_t n) {
        while (n) {
            ssize_t r = ::write(fd_, p, n);
            if (r < 0 && errno == EINTR) continue;
            if (r <= 0) return fail("write");
            p += r;
            n -= static_cast<std::size_t>(r);
            written_ += static_cast<std::uint64_t>(r);
        }
        return {};
    }

    int fd_;
    std::uint64_t written_ = 0;
    std::vector<std::uint8_t> buf_;
};

} // namespace

std::unique_ptr<Source> open_file_source(const std::string& path, std::string& err) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || ::fstat(fd, &st) != 0) {
        err = path + ": " + std::strerror(errno);
        if (fd >= 0) ::close(fd);
        return nullptr;
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        err = path + ": not a regular file";
        return nullptr;
    }
    return std::make_unique<FileSource>(fd, static_cast<std::uint64_t>(st.st_size));
}

std::unique_ptr<Sink> open_file_sink(const std::string& path, std::string& err) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        err = path + ": " + std::strerror(errno);
        return nullptr;
    }
    return std::make_unique<FileSink>(fd);
}

} // namespace glass::trace
