// forkexec: fork, execve("/bin/echo") in the child, waitpid in the parent.
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) {
    perror("fork");
    return 1;
  }
  if (pid == 0) {
    char* argv[] = {"echo", "hello from the child", NULL};
    char* envp[] = {"PATH=/bin:/usr/bin", NULL};
    execve("/bin/echo", argv, envp);
    perror("execve");
    _exit(127);
  }
  int status = 0;
  pid_t waited = waitpid(pid, &status, 0);
  printf("fork = child pid %d; waitpid = %d\n", (int)pid, (int)waited);
  if (WIFEXITED(status)) printf("child exited with status %d\n", WEXITSTATUS(status));
  else if (WIFSIGNALED(status)) printf("child killed by signal %d\n", WTERMSIG(status));
  return waited == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
