// MSI message encoding (hal/message_signal.h): what a device is told to
// write for a vector to reach a CPU.
#include <gtest/gtest.h>

#include "hal/message_signal.h"

namespace {

TEST(HalMsi, BootCpuMessageIsFixedEdgeVector) {
  hal::msi::Message message = hal::msi::encode_message(0, 0x50);
  EXPECT_EQ(message.address, 0xfee00000u);
  EXPECT_EQ(message.data, 0x50u);  // fixed delivery (bits 10:8 = 0), edge (bit 15 = 0)
}

TEST(HalMsi, DestinationApicIdLandsInBits19To12) {
  hal::msi::Message message = hal::msi::encode_message(0x2a, 0x6f);
  EXPECT_EQ(message.address, 0xfee2a000u);
  EXPECT_EQ(message.data, 0x6fu);
  // Physical destination mode and no redirection hint: bits 3:2 clear.
  EXPECT_EQ(message.address & 0xc, 0u);
}

TEST(HalMsi, VectorBlockStaysAboveTheIsaLinesAndBelowSpurious) {
  EXPECT_GE(hal::msi::kFirstVector, 0x40);  // 0x30..0x3f are the ISA IRQs
  EXPECT_LT(hal::msi::kFirstVector + hal::msi::kVectorCount, 0xff);
}

}  // namespace
