// Catch2 v2 entry point for the trace view-model tests.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
