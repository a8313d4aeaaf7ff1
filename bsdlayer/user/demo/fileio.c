// fileio: the basic file system calls, each result printed. Creates
// data.txt in the current directory, writes a line, reads it back.
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(void) {
  const char line[] = "hello from fileio\n";
  int fd = open("data.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
  printf("open(data.txt, O_CREAT|O_WRONLY) = %d\n", fd);
  if (fd < 0) return 1;
  ssize_t written = write(fd, line, strlen(line));
  printf("write = %zd\n", written);
  printf("close = %d\n", close(fd));
  fd = open("data.txt", O_RDONLY);
  printf("open(data.txt, O_RDONLY) = %d\n", fd);
  if (fd < 0) return 1;
  char buffer[128];
  ssize_t got = read(fd, buffer, sizeof buffer - 1);
  printf("read = %zd\n", got);
  if (got < 0) return 1;
  buffer[got] = 0;
  printf("data: %s", buffer);
  printf("close = %d\n", close(fd));
  return written == (ssize_t)strlen(line) && got == written ? 0 : 1;
}
