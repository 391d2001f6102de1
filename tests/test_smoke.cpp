#include <gtest/gtest.h>

#include "core/compartment.h"

// decay of 100 by k = 2048 is exactly 50 (4096 - 2048 = 2048; 100 * 2048 >> 12 = 50).
TEST(Smoke, DecayHalf) { EXPECT_EQ(le_decay(100, 2048), 50); }
