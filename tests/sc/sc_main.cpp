// SystemC tests: sc_main runs the GoogleTest suite. gtest_discover_tests gives each
// test its own process, because SystemC allows one elaboration per process.
#include <cstdlib>
#include <gtest/gtest.h>
#include <systemc>

int sc_main(int argc, char **argv)
{
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
