#include "gui/app/panel.hpp"

#include <algorithm>
#include <cstring>

namespace glass::gui {

std::vector<PanelRegistry::Factory>& PanelRegistry::factories() {
    // A function-local static: registrations run from other files' static
    // initialisers, in an order C++ does not fix.
    static std::vector<Factory> all;
    return all;
}

bool PanelRegistry::add(Factory f) {
    factories().push_back(std::move(f));
    return true;
}

std::vector<std::unique_ptr<Panel>> PanelRegistry::create_all() {
    std::vector<std::unique_ptr<Panel>> out;
    for (const auto& f : factories())
        out.push_back(f());
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
        if (a->order() != b->order()) return a->order() < b->order();
        return std::strcmp(a->name(), b->name()) < 0;
    });
    return out;
}

} // namespace glass::gui
