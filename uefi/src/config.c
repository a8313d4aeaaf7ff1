/*
 * \amphi\boot.cfg: text lines "key=value", '#' starts a comment line, blank
 * lines ignored, CR LF or LF endings. Keys:
 *   kernel=<path>    default \amphi\kernel.elf
 *   ramdisk=<path>   optional; if named it must exist
 *   cmdline=<text>   the rest of the line verbatim (only the line ending is
 *                    stripped), at most AMPHI_CMDLINE_MAX - 1 bytes
 * A missing file means defaults and an empty cmdline. Anything the parser
 * does not understand is an error, not a silent default: a typo in a key
 * must not boot a different configuration than the one the user wrote.
 * Later occurrences of a key override earlier ones.
 */
#include "loader.h"

#define CONFIG_PATH "\\amphi\\boot.cfg"
#define CONFIG_PATH_W L"\\amphi\\boot.cfg"
#define CONFIG_MAX_BYTES (64 * 1024)

static BOOLEAN is_space(char c) { return c == ' ' || c == '\t'; }

static BOOLEAN str_eq(const char *a, UINTN alen, const char *b) {
  UINTN i;
  for (i = 0; i < alen; i++)
    if (b[i] != a[i])
      return FALSE;
  return b[i] == 0;
}

/* Copies a path value, trimmed, with '/' accepted as a separator. */
static void set_path(char *dst, const char *key, const char *v, UINTN len, UINTN line) {
  while (len && is_space(*v)) {
    v++;
    len--;
  }
  while (len && is_space(v[len - 1]))
    len--;
  if (len == 0 && str_eq("kernel", 6, key))
    amphi_fail(L"config " CONFIG_PATH_W L" line %ld: kernel= is empty", (UINT64)line);
  if (len >= AMPHI_PATH_MAX)
    amphi_fail(L"config " CONFIG_PATH_W L" line %ld: %a path is %ld bytes, limit is %d",
               (UINT64)line, key, (UINT64)len, AMPHI_PATH_MAX - 1);
  for (UINTN i = 0; i < len; i++) {
    char c = v[i];
    if ((UINT8)c < 0x20 || (UINT8)c > 0x7e)
      amphi_fail(L"config " CONFIG_PATH_W L" line %ld: %a path must be printable ASCII",
                 (UINT64)line, key);
    dst[i] = c == '/' ? '\\' : c;
  }
  dst[len] = 0;
}

static void parse_line(struct amphi_config *cfg, const char *s, UINTN len, UINTN line) {
  while (len && is_space(*s)) {
    s++;
    len--;
  }
  if (len == 0 || *s == '#')
    return;

  UINTN eq = 0;
  while (eq < len && s[eq] != '=')
    eq++;
  if (eq == len)
    amphi_fail(L"config " CONFIG_PATH_W L" line %ld: expected key=value", (UINT64)line);
  UINTN klen = eq;
  while (klen && is_space(s[klen - 1]))
    klen--;
  const char *v = s + eq + 1;
  UINTN vlen = len - eq - 1;

  if (str_eq(s, klen, "kernel")) {
    set_path(cfg->kernel, "kernel", v, vlen, line);
  } else if (str_eq(s, klen, "ramdisk")) {
    set_path(cfg->ramdisk, "ramdisk", v, vlen, line);
  } else if (str_eq(s, klen, "cmdline")) {
    if (vlen > AMPHI_CMDLINE_MAX - 1)
      amphi_fail(L"config"
                 L" " CONFIG_PATH_W L" line %ld: cmdline is %ld bytes, limit is %d "
                                    L"(AMPHI_CMDLINE_MAX - 1)",
                 (UINT64)line, (UINT64)vlen, AMPHI_CMDLINE_MAX - 1);
    CopyMem(cfg->cmdline, v, vlen);
    cfg->cmdline[vlen] = 0;
  } else {
    char key[32];
    UINTN n = klen < sizeof key - 1 ? klen : sizeof key - 1;
    CopyMem(key, s, n);
    key[n] = 0;
    amphi_fail(
        L"config " CONFIG_PATH_W L" line %ld: unknown key '%a' (known: kernel, ramdisk, cmdline)",
        (UINT64)line, key);
  }
}

void config_load(struct amphi_config *cfg) {
  struct amphi_file f;

  SetMem(cfg, sizeof *cfg, 0);
  set_path(cfg->kernel, "kernel", "\\amphi\\kernel.elf", 17, 0);

  if (file_read("config", CONFIG_PATH, &f) == EFI_NOT_FOUND) {
    amphi_log(L"config %a not found; using defaults", CONFIG_PATH);
    return;
  }
  if (f.size > CONFIG_MAX_BYTES)
    amphi_fail(L"config %a: %ld bytes, limit is %d", CONFIG_PATH, f.size, CONFIG_MAX_BYTES);

  const char *text = (const char *)(UINTN)f.phys;
  UINTN start = 0, line = 1;
  for (UINTN i = 0; i <= f.size; i++) {
    if (i < f.size && text[i] == 0)
      amphi_fail(L"config %a: contains a NUL byte (line %ld); not a text file", CONFIG_PATH,
                 (UINT64)line);
    if (i == f.size || text[i] == '\n') {
      UINTN end = i;
      if (end > start && text[end - 1] == '\r')
        end--;
      parse_line(cfg, text + start, end - start, line);
      start = i + 1;
      line++;
    }
  }
  file_free(&f);
  amphi_log(L"config %a: kernel=%a ramdisk=%a", CONFIG_PATH, cfg->kernel,
            cfg->ramdisk[0] ? cfg->ramdisk : "(none)");
}
