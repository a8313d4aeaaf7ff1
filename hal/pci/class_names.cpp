// Class/subclass names as lspci prints them (pci.ids), for the boot log.
// Known subclasses first, then a per-class fallback, then
// "Unclassified device" for classes nobody defined.
#include "hal/pci.h"

namespace hal::pci {
namespace {

struct Name {
  uint8_t class_code;
  uint8_t subclass;
  const char* text;
};

constexpr Name kSubclassNames[] = {
    {0x00, 0x00, "Non-VGA unclassified device"},
    {0x00, 0x01, "VGA compatible unclassified device"},
    {0x01, 0x00, "SCSI storage controller"},
    {0x01, 0x01, "IDE interface"},
    {0x01, 0x02, "Floppy disk controller"},
    {0x01, 0x04, "RAID bus controller"},
    {0x01, 0x05, "ATA controller"},
    {0x01, 0x06, "SATA controller"},
    {0x01, 0x07, "Serial Attached SCSI controller"},
    {0x01, 0x08, "Non-Volatile memory controller"},
    {0x02, 0x00, "Ethernet controller"},
    {0x03, 0x00, "VGA compatible controller"},
    {0x03, 0x01, "XGA compatible controller"},
    {0x03, 0x02, "3D controller"},
    {0x04, 0x00, "Multimedia video controller"},
    {0x04, 0x01, "Multimedia audio controller"},
    {0x04, 0x03, "Audio device"},
    {0x05, 0x00, "RAM memory"},
    {0x06, 0x00, "Host bridge"},
    {0x06, 0x01, "ISA bridge"},
    {0x06, 0x04, "PCI bridge"},
    {0x06, 0x07, "CardBus bridge"},
    {0x07, 0x00, "Serial controller"},
    {0x07, 0x03, "Modem"},
    {0x08, 0x00, "PIC"},
    {0x08, 0x05, "SD Host controller"},
    {0x08, 0x06, "IOMMU"},
    {0x0c, 0x03, "USB controller"},
    {0x0c, 0x05, "SMBus"},
};

constexpr Name kClassNames[] = {
    {0x00, 0, "Unclassified device"},
    {0x01, 0, "Mass storage controller"},
    {0x02, 0, "Network controller"},
    {0x03, 0, "Display controller"},
    {0x04, 0, "Multimedia controller"},
    {0x05, 0, "Memory controller"},
    {0x06, 0, "Bridge"},
    {0x07, 0, "Communication controller"},
    {0x08, 0, "Generic system peripheral"},
    {0x09, 0, "Input device controller"},
    {0x0a, 0, "Docking station"},
    {0x0b, 0, "Processor"},
    {0x0c, 0, "Serial bus controller"},
    {0x0d, 0, "Wireless controller"},
    {0x0e, 0, "Intelligent controller"},
    {0x0f, 0, "Satellite communications controller"},
    {0x10, 0, "Encryption controller"},
    {0x11, 0, "Signal processing controller"},
    {0x12, 0, "Processing accelerators"},
    {0xff, 0, "Unassigned class"},
};

}  // namespace

const char* pci_class_name(uint8_t class_code, uint8_t subclass) {
  for (const Name& name : kSubclassNames)
    if (name.class_code == class_code && name.subclass == subclass) return name.text;
  for (const Name& name : kClassNames)
    if (name.class_code == class_code) return name.text;
  return "Unclassified device";
}

}  // namespace hal::pci
