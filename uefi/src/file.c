/*
 * Reads whole files from the volume the loader itself was loaded from
 * (LoadedImage->DeviceHandle), never from "the first FAT volume found": the
 * ESP that holds BOOTX64.EFI is the one that holds the kernel it belongs to.
 *
 * Contents land in page-aligned EfiLoaderData blocks so a file that is handed
 * to the kernel as-is (the ramdisk) is already AMPHI_MEM_LOADER in the map;
 * files that are only parsed are freed again. One zero byte always follows
 * the content (text parsing relies on it).
 */
#include "loader.h"

#define FILE_MAX_BYTES (1ull << 32) /* a sanity bound, not a design limit */

static EFI_FILE_HANDLE root;

void file_init(EFI_HANDLE image) {
  EFI_LOADED_IMAGE *li = NULL;
  EFI_FILE_IO_INTERFACE *fs = NULL;
  EFI_STATUS st;

  st = BS->HandleProtocol(image, &LoadedImageProtocol, (void **)&li);
  if (EFI_ERROR(st))
    amphi_fail(L"cannot get LoadedImage protocol (%r)", st);
  st = BS->HandleProtocol(li->DeviceHandle, &FileSystemProtocol, (void **)&fs);
  if (EFI_ERROR(st))
    amphi_fail(L"boot device has no file system (%r)", st);
  st = fs->OpenVolume(fs, &root);
  if (EFI_ERROR(st))
    amphi_fail(L"cannot open boot volume (%r)", st);
}

EFI_STATUS file_read(const char *what, const char *path, struct amphi_file *out) {
  CHAR16 wpath[AMPHI_PATH_MAX];
  EFI_FILE_HANDLE fh = NULL;
  EFI_STATUS st;
  UINTN i;

  for (i = 0; path[i] && i + 1 < AMPHI_PATH_MAX; i++)
    wpath[i] = (CHAR16)(UINT8)path[i];
  wpath[i] = 0;

  st = root->Open(root, &fh, wpath, EFI_FILE_MODE_READ, 0);
  if (st == EFI_NOT_FOUND)
    return st;
  if (EFI_ERROR(st))
    amphi_fail(L"%a %a: cannot open (%r)", what, path, st);

  EFI_FILE_INFO *info = LibFileInfo(fh);
  if (!info)
    amphi_fail(L"%a %a: cannot query file size", what, path);
  if (info->Attribute & EFI_FILE_DIRECTORY)
    amphi_fail(L"%a %a: is a directory", what, path);
  UINT64 size = info->FileSize;
  FreePool(info);
  if (size >= FILE_MAX_BYTES)
    amphi_fail(L"%a %a: absurd size %ld bytes", what, path, size);

  out->size = size;
  out->pages = EFI_SIZE_TO_PAGES(size + 1);
  out->phys = amphi_alloc_pages(out->pages, what);
  UINT8 *dst = (UINT8 *)(UINTN)out->phys;

  UINT64 done = 0;
  while (done < size) {
    UINTN chunk = size - done;
    st = fh->Read(fh, &chunk, dst + done);
    if (EFI_ERROR(st))
      amphi_fail(L"%a %a: read error after %ld of %ld bytes (%r)", what, path, done, size, st);
    if (chunk == 0)
      amphi_fail(L"%a %a: short read: %ld of %ld bytes", what, path, done, size);
    done += chunk;
  }
  ZeroMem(dst + size, out->pages * AMPHI_PAGE_SIZE - size);
  fh->Close(fh);
  return EFI_SUCCESS;
}

void file_free(struct amphi_file *f) {
  if (f->phys)
    BS->FreePages(f->phys, f->pages);
  f->phys = 0;
  f->pages = 0;
  f->size = 0;
}
