/*
 * wasi_poll.c: poll_oneoff. Clock subscriptions (relative or absolute, any
 * WASI clock) become a ppoll timeout; fd_read/fd_write subscriptions become
 * pollfds, except regular files, which are always ready (as in wasmtime).
 *
 * Checkpoints: the wait goes in slices of at most GW_WASI_WAIT_SLICE_MS and
 * gives way to a requested checkpoint (gw_cr_abandon_host_call) while
 * nothing has happened yet; the call is then issued again after the
 * restore, and its relative clock subscriptions wait only for what was left
 * of their deadlines (w->resume_sleep, recorded in CLOCK_REALTIME so that it
 * survives a change of process).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "wasi_internal.h"

/* Longest uninterrupted wait: a checkpoint request is seen within this. */
#define GW_WASI_WAIT_SLICE_NS 50000000ull

enum { SUB_SIZE = 48, EVENT_SIZE = 32 };
enum { EVENTTYPE_CLOCK = 0, EVENTTYPE_FD_READ = 1, EVENTTYPE_FD_WRITE = 2 };
enum { SUBCLOCK_ABSTIME = 1 };
enum { EVENT_FD_READWRITE_HANGUP = 1 };

static uint64_t now_ns(clockid_t c) {
  struct timespec ts;
  clock_gettime(c, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void put_event(uint8_t *ev, uint64_t userdata, uint16_t error,
                      uint8_t type, uint64_t nbytes, uint16_t flags) {
  uint8_t buf[EVENT_SIZE] = {0};
  memcpy(buf, &userdata, 8);
  memcpy(buf + 8, &error, 2);
  buf[10] = type;
  memcpy(buf + 16, &nbytes, 8);
  memcpy(buf + 24, &flags, 2);
  memcpy(ev, buf, EVENT_SIZE);
}

int32_t gw_wasi_poll_oneoff(gw_instance *inst, int32_t in, int32_t out,
                            int32_t nsubscriptions, int32_t nevents_out) {
  gw_wasi *w = gw_wasi_of(inst);
  uint32_t n = (uint32_t)nsubscriptions;
  if (n == 0) return WASI_EINVAL;
  uint8_t *subs = gw_wasi_mem(inst, (uint32_t)in, (uint64_t)n * SUB_SIZE);
  uint8_t *evs = gw_wasi_mem(inst, (uint32_t)out, (uint64_t)n * EVENT_SIZE);
  if (!subs || !evs || !gw_wasi_mem(inst, (uint32_t)nevents_out, 4))
    return WASI_EFAULT;

  struct pollfd *pfds = calloc(n, sizeof *pfds);
  uint32_t *pfd_sub = calloc(n, sizeof *pfd_sub);  /* pollfd -> sub index */
  uint64_t *remaining = calloc(n, sizeof *remaining); /* clock subs, ns */
  uint8_t *is_clock = calloc(n, 1);
  if (!pfds || !pfd_sub || !remaining || !is_clock) {
    free(pfds), free(pfd_sub), free(remaining), free(is_clock);
    return WASI_ENOMEM;
  }
  /* The same call again after a checkpoint abandoned it: same deadlines. */
  const int64_t *resume = NULL;
  if (w->resume_sleep.active) {
    w->resume_sleep.active = 0;
    if (w->resume_sleep.count == n &&
        w->resume_sleep.key == gw_wasi_poll_key(subs, n))
      resume = w->resume_sleep.deadlines;
  }
  int64_t start_rt = gw_wasi_realtime_ns();
  uint32_t npfds = 0, nevents = 0;
  uint64_t min_remaining = UINT64_MAX;
  int32_t result = 0;

  for (uint32_t i = 0; i < n && result == 0; i++) {
    uint8_t *s = subs + (size_t)i * SUB_SIZE;
    uint64_t userdata;
    memcpy(&userdata, s, 8);
    uint8_t tag = s[8];
    if (tag == EVENTTYPE_CLOCK) {
      uint32_t id;
      uint64_t timeout;
      uint16_t flags;
      memcpy(&id, s + 16, 4);
      memcpy(&timeout, s + 24, 8);
      memcpy(&flags, s + 40, 2);
      clockid_t c;
      if (gw_wasi_host_clock((int32_t)id, &c) != 0) {
        put_event(evs + (size_t)nevents++ * EVENT_SIZE, userdata, WASI_EINVAL,
                  tag, 0, 0);
        continue;
      }
      if (flags & SUBCLOCK_ABSTIME) {
        uint64_t now = now_ns(c);
        timeout = timeout > now ? timeout - now : 0;
      } else if (resume != NULL && resume[i] >= 0) {
        timeout = resume[i] > start_rt ? (uint64_t)(resume[i] - start_rt) : 0;
      }
      is_clock[i] = 1;
      remaining[i] = timeout;
      if (timeout < min_remaining) min_remaining = timeout;
    } else if (tag == EVENTTYPE_FD_READ || tag == EVENTTYPE_FD_WRITE) {
      int32_t fd;
      memcpy(&fd, s + 16, 4);
      gw_wasi_fd *f = gw_wasi_get_fd(w, fd);
      struct stat sb;
      if (!f) {
        put_event(evs + (size_t)nevents++ * EVENT_SIZE, userdata, WASI_EBADF,
                  tag, 0, 0);
      } else if (fstat(f->host_fd, &sb) == 0 && S_ISREG(sb.st_mode)) {
        uint64_t avail = 0; /* readable bytes left after the offset */
        if (tag == EVENTTYPE_FD_READ) {
          off_t pos = lseek(f->host_fd, 0, SEEK_CUR);
          if (pos >= 0 && sb.st_size > pos) avail = (uint64_t)(sb.st_size - pos);
        }
        put_event(evs + (size_t)nevents++ * EVENT_SIZE, userdata, 0, tag,
                  avail, 0);
      } else {
        pfds[npfds].fd = f->host_fd;
        pfds[npfds].events = tag == EVENTTYPE_FD_READ ? POLLIN : POLLOUT;
        pfd_sub[npfds++] = i;
      }
    } else {
      result = WASI_EINVAL;
    }
  }

  if (result == 0) {
    /* Wait only if nothing is ready yet; then collect whatever is. */
    uint64_t wait = nevents ? 0 : min_remaining;
    uint64_t start = now_ns(CLOCK_MONOTONIC), elapsed = 0;
    int r;
    int abandoned = 0;
    for (;;) {
      struct timespec ts;
      uint64_t left = wait == UINT64_MAX ? UINT64_MAX
                      : wait > elapsed   ? wait - elapsed
                                         : 0;
      uint64_t slice = left < GW_WASI_WAIT_SLICE_NS ? left
                                                     : GW_WASI_WAIT_SLICE_NS;
      ts.tv_sec = (time_t)(slice / 1000000000u);
      ts.tv_nsec = (long)(slice % 1000000000u);
      r = ppoll(pfds, npfds, &ts, NULL);
      elapsed = now_ns(CLOCK_MONOTONIC) - start;
      if (r > 0 || (r < 0 && errno != EINTR)) break;
      if (r == 0 && slice == left) break; /* the earliest clock fired */
      if (gw_cr_checkpoint_requested(inst) && gw_cr_abandon_host_call(inst)) {
        abandoned = 1;
        break;
      }
    }
    if (abandoned) {
      /* Nothing was written: record the deadlines, give way. */
      int64_t *deadlines = calloc(n, sizeof *deadlines);
      if (deadlines != NULL) {
        for (uint32_t i = 0; i < n; i++) {
          uint16_t fl;
          memcpy(&fl, subs + (size_t)i * SUB_SIZE + 40, 2);
          deadlines[i] = is_clock[i] && !(fl & SUBCLOCK_ABSTIME)
                             ? start_rt + (int64_t)remaining[i]
                             : -1;
        }
        free(w->resume_sleep.deadlines);
        w->resume_sleep.deadlines = deadlines;
        w->resume_sleep.count = n;
        w->resume_sleep.key = gw_wasi_poll_key(subs, n);
        w->resume_sleep.active = 1;
      }
      free(pfds), free(pfd_sub), free(remaining), free(is_clock);
      return WASI_EINTR;
    }
    if (r < 0) {
      result = gw_wasi_errno(errno);
    } else {
      for (uint32_t k = 0; k < npfds; k++) {
        short re = pfds[k].revents;
        if (!re) continue;
        uint8_t *s = subs + (size_t)pfd_sub[k] * SUB_SIZE;
        uint64_t userdata;
        memcpy(&userdata, s, 8);
        uint16_t error = 0, flags = 0;
        uint64_t nbytes = 0;
        if (re & POLLNVAL) error = WASI_EBADF;
        else if (re & POLLERR) error = WASI_EIO;
        if (re & POLLHUP) flags |= EVENT_FD_READWRITE_HANGUP;
        if (s[8] == EVENTTYPE_FD_READ && !error) {
          int avail = 0;
          if (ioctl(pfds[k].fd, FIONREAD, &avail) == 0 && avail > 0)
            nbytes = (uint64_t)avail;
        }
        put_event(evs + (size_t)nevents++ * EVENT_SIZE, userdata, error, s[8],
                  nbytes, flags);
      }
      for (uint32_t i = 0; i < n; i++) {
        /* CPU-time clocks do not advance while we sleep: the timeout that
         * ended the wait fires the earliest clock subscription(s). */
        if (!is_clock[i]) continue;
        if (remaining[i] <= elapsed || (r == 0 && wait == remaining[i])) {
          uint64_t userdata;
          memcpy(&userdata, subs + (size_t)i * SUB_SIZE, 8);
          put_event(evs + (size_t)nevents++ * EVENT_SIZE, userdata, 0,
                    EVENTTYPE_CLOCK, 0, 0);
        }
      }
    }
  }
  free(pfds), free(pfd_sub), free(remaining), free(is_clock);
  if (result) return result;
  uint32_t ne = nevents;
  memcpy(gw_wasi_mem(inst, (uint32_t)nevents_out, 4), &ne, 4);
  return 0;
}
