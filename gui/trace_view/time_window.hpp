// The visible stretch of trace time and the zoom and pan gestures on it, as
// a plain value the timeline panel keeps and the tests drive.
#pragma once

#include <algorithm>
#include <cstdint>

namespace glass::tv {

struct TimeWindow {
    double start_ns = 0;
    double end_ns = 1;

    // Narrowest window: a few ns over the whole width is as far as zoom goes.
    static constexpr double kMinSpanNs = 50;

    double span() const { return end_ns - start_ns; }
    double ns_per_px(float width_px) const { return span() / std::max(1.0f, width_px); }
    double x_of(double t, float width_px) const { return (t - start_ns) / ns_per_px(width_px); }
    double time_at(double x, float width_px) const { return start_ns + x * ns_per_px(width_px); }

    // Zooms by `factor` (< 1 zooms in) keeping the time under `x` in place.
    void zoom(double factor, double x, float width_px) {
        const double anchor = time_at(x, width_px);
        double s = std::max(kMinSpanNs, span() * factor);
        const double frac = x / std::max(1.0f, width_px);
        start_ns = anchor - s * frac;
        end_ns = start_ns + s;
    }
    void pan_px(double dx, float width_px) {
        const double d = dx * ns_per_px(width_px);
        start_ns -= d;
        end_ns -= d;
    }
    // Keeps the window inside [lo, hi] (with the span it has, if it fits).
    void clamp_to(double lo, double hi) {
        const double s = std::min(span(), std::max(kMinSpanNs, hi - lo));
        if (start_ns < lo) start_ns = lo;
        if (start_ns + s > hi) start_ns = std::max(lo, hi - s);
        end_ns = start_ns + s;
    }
    // Centres on t keeping the span.
    void centre_on(double t) {
        const double s = span();
        start_ns = t - s / 2;
        end_ns = t + s / 2;
    }
};

} // namespace glass::tv
