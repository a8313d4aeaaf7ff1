/* drvctl: list Amphi's driver instances, switch one between kernel and
 * server mode, or inject a fault into it.
 *
 *   drvctl list                         the table in /proc/drivers
 *   drvctl mode DEVICE kernel|server    live switch; prints the pause
 *   drvctl inject DEVICE crash|hang|wild-write|bad-reply
 *   drvctl inject DEVICE refuse-stop|fail-start   (the next switch's error paths)
 *
 * DEVICE is a device's name (rd0) or any object manager path that leads to
 * one: \Device\rd0, or the link \??\rd0 (quote the backslashes in a shell).
 *
 * The kernel does the work: each command is one write(2) to /dev/drvctl,
 * and a read(2) on the same descriptor returns the kernel's one-line report
 * (also on failure, where write's errno says what kind of failure). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int usage(void) {
  fprintf(stderr,
          "usage: drvctl list\n"
          "       drvctl mode DEVICE kernel|server\n"
          "       drvctl inject DEVICE crash|hang|wild-write|bad-reply|refuse-stop|fail-start\n"
          "DEVICE: a name (rd0) or an object path (\\Device\\rd0, \\??\\rd0)\n");
  return 2;
}

static int list(void) {
  FILE* table = fopen("/proc/drivers", "r");
  if (!table) {
    perror("drvctl: /proc/drivers");
    return 1;
  }
  char line[256];
  while (fgets(line, sizeof line, table)) fputs(line, stdout);
  fclose(table);
  return 0;
}

static int command(const char* verb, const char* device, const char* argument) {
  int fd = open("/dev/drvctl", O_RDWR);
  if (fd < 0) {
    perror("drvctl: /dev/drvctl");
    return 1;
  }
  char text[128];
  int length = snprintf(text, sizeof text, "%s %s %s\n", verb, device, argument);
  if (length < 0 || (size_t)length >= sizeof text) {
    fprintf(stderr, "drvctl: arguments too long\n");
    close(fd);
    return 2;
  }
  ssize_t written = write(fd, text, (size_t)length);
  int saved = errno;
  char report[256];
  ssize_t got = pread(fd, report, sizeof report - 1, 0);
  close(fd);
  report[got > 0 ? got : 0] = 0;
  if (written != length) {
    fprintf(stderr, "drvctl: %s%s", got > 0 ? report : strerror(saved), got > 0 ? "" : "\n");
    return 1;
  }
  fputs(report, stdout);
  return 0;
}

int main(int argc, char** argv) {
  if (argc == 2 && strcmp(argv[1], "list") == 0) return list();
  if (argc == 4 && (strcmp(argv[1], "mode") == 0 || strcmp(argv[1], "inject") == 0))
    return command(argv[1], argv[2], argv[3]);
  return usage();
}
