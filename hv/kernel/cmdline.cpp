#include "hv/kernel/cmdline.hpp"

#include "hv/lib/string.hpp"

bool cmdline_option(const char* cmdline, const char* key, char* out, usize cap) {
    usize klen = strlen(key);
    const char* p = cmdline;
    while (*p) {
        while (*p == ' ')
            p++;
        const char* word = p;
        while (*p && *p != ' ')
            p++;
        usize wlen = static_cast<usize>(p - word);
        if (wlen >= klen && strncmp(word, key, klen) == 0 && (wlen == klen || word[klen] == '=')) {
            const char* val = wlen == klen ? word + klen : word + klen + 1;
            usize vlen = static_cast<usize>(p - val);
            if (cap) {
                usize n = vlen < cap - 1 ? vlen : cap - 1;
                memcpy(out, val, n);
                out[n] = '\0';
            }
            return true;
        }
    }
    return false;
}
