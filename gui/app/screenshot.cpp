#include "gui/app/screenshot.hpp"

#include <GL/gl.h>
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <png.h>
#include <vector>

namespace glass::gui {

Outcome<Saved> save_screenshot(const std::string& path, int win_w, int win_h, int x, int y, int w,
                               int h) {
    using R = Outcome<Saved>;
    if (win_w <= 0 || win_h <= 0) return R::failure("nothing to capture (window has no size)");
    if (w <= 0 || h <= 0) {
        x = y = 0;
        w = win_w;
        h = win_h;
    }
    x = std::clamp(x, 0, win_w - 1);
    y = std::clamp(y, 0, win_h - 1);
    w = std::min(w, win_w - x);
    h = std::min(h, win_h - y);
    int width = w, height = h;
    std::vector<unsigned char> pixels(static_cast<size_t>(width) * height * 3);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadBuffer(GL_BACK);
    // OpenGL's origin is the bottom-left corner.
    glReadPixels(x, win_h - y - h, width, height, GL_RGB, GL_UNSIGNED_BYTE, pixels.data());
    if (GLenum e = glGetError(); e != GL_NO_ERROR)
        return R::failure("glReadPixels failed (GL error " + std::to_string(e) + ")");
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) return R::failure("cannot write " + path + ": " + std::strerror(errno));
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
    png_infop info = png ? png_create_info_struct(png) : nullptr;
    if (!png || !info || setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        std::fclose(f);
        return R::failure("libpng failed writing " + path);
    }
    png_init_io(png, f);
    png_set_compression_level(png, 9);
    png_set_IHDR(png, info, width, height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    // OpenGL's rows run bottom-up.
    for (int y = height - 1; y >= 0; y--)
        png_write_row(png, &pixels[static_cast<size_t>(y) * width * 3]);
    png_write_end(png, nullptr);
    png_destroy_write_struct(&png, &info);
    if (std::fclose(f) != 0) return R::failure("cannot finish " + path + ": " + strerror(errno));
    return Saved{};
}

} // namespace glass::gui
