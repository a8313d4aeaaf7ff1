// The zones kernel objects live in: one TypedZone per object type, so each
// type has its own cache and statistics (slabinfo), and a registry the
// executive reports from. Zone pages are single page frames reached through
// the direct map; they go back to the frame allocator as soon as they empty.
#pragma once

#include "microcore/task.h"
#include "microcore/thread.h"
#include "microcore/zone.h"

namespace microcore {

TypedZone<Thread>& thread_zone();
TypedZone<Task>& task_zone();

// The page source every kernel zone uses: allocate_frame + direct map.
ZonePageSource kernel_zone_page_source();

// Adds a zone to the registry zone_statistics() walks (the thread and task
// zones are registered from the start). The zone must live forever.
void register_zone(Zone& zone);

// Calls visit(statistics, context) for every registered zone, in
// registration order. visit must not register zones.
void zone_statistics(void (*visit)(const ZoneStatistics& statistics, void* context), void* context);

}  // namespace microcore
