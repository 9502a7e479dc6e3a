#include "introspect/lib/mapped_file.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace glass {

Outcome<std::shared_ptr<MappedFile>> MappedFile::open(const std::string& path) {
    using R = Outcome<std::shared_ptr<MappedFile>>;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return R::failure("nothing running: " + path +
                              " does not exist (start QEMU with its RAM in that file, e.g. "
                              "glasshouse_qemu.py --shared-memory " +
                              path + ")");
        return R::failure("cannot open " + path + ": " + std::strerror(errno));
    }
    struct stat st {};
    if (fstat(fd, &st) != 0 || st.st_size <= 0) {
        ::close(fd);
        return R::failure(path + " is empty: not a guest RAM file");
    }
    void* p = mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ, MAP_SHARED, fd, 0);
    ::close(fd); // the mapping keeps the file
    if (p == MAP_FAILED) return R::failure("cannot map " + path + ": " + std::strerror(errno));
    return std::shared_ptr<MappedFile>(
        new MappedFile(static_cast<const u8*>(p), static_cast<u64>(st.st_size)));
}

MappedFile::~MappedFile() {
    munmap(const_cast<u8*>(data_), size_);
}

} // namespace glass
