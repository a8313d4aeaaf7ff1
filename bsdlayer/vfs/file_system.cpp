// FileSystem teardown: dropping the root frees the tree (directories own
// their children); anything still alive then was leaked by a holder.
#include "bsdlayer/vfs/file_system.h"

namespace bsdlayer {

FileSystem::~FileSystem() {
  RTL_ASSERT(!mount);
  root.reset();
  RTL_ASSERT(live_vnodes == 0);
}

}  // namespace bsdlayer
