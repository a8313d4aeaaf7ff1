// Clang's -Wthread-safety annotations. They let the compiler check that data
// declared RTL_GUARDED_BY(lock) is only touched with that lock held. Under
// gcc (and any compiler without the attributes) they expand to nothing, so
// they cost nothing and change no code.
#pragma once

#if defined(__clang__)
#define RTL_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define RTL_THREAD_ANNOTATION(x)
#endif

// On a class: instances are locks ("capabilities") the analysis tracks.
#define RTL_CAPABILITY(name) RTL_THREAD_ANNOTATION(capability(name))
// On an RAII class: acquires in its constructor, releases in its destructor.
#define RTL_SCOPED_CAPABILITY RTL_THREAD_ANNOTATION(scoped_lockable)
// On a data member: may only be accessed with `lock` held.
#define RTL_GUARDED_BY(lock) RTL_THREAD_ANNOTATION(guarded_by(lock))
// On a function: acquires / releases the named lock (or `this`).
#define RTL_ACQUIRE(...) RTL_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
#define RTL_RELEASE(...) RTL_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
// On a function: the caller must hold / must not hold the lock.
#define RTL_REQUIRES(...) RTL_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
#define RTL_EXCLUDES(...) RTL_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
// Escape hatch for code the analysis cannot follow; say why at each use.
#define RTL_NO_THREAD_SAFETY_ANALYSIS RTL_THREAD_ANNOTATION(no_thread_safety_analysis)
