/*
 * Mach messages as user programs build them: Mach's own layout (the 64-bit
 * user ABI of XNU), so the names and rules in Mach's documentation apply.
 *
 *   header (24 bytes) [body + descriptors if COMPLEX] inline data...
 *
 * msgh_size counts header, descriptors and inline data, is a multiple of 4
 * and at most AMPHI_MSG_MAX_INLINE. Port rights travel in msgh_remote_port
 * (the destination), msgh_local_port (the reply port) and port descriptors;
 * out-of-line memory travels in OOL descriptors and is moved by copy-on-write
 * mapping, never copied byte by byte.
 */
#ifndef AMPHI_MICROCORE_ABI_MESSAGE_H
#define AMPHI_MICROCORE_ABI_MESSAGE_H

#include <stdint.h>

typedef uint32_t mach_port_name_t;
typedef uint32_t mach_msg_bits_t;
typedef uint32_t mach_msg_size_t;
typedef int32_t mach_msg_id_t;
typedef uint32_t mach_msg_option_t;
typedef int32_t kern_return_t;
typedef kern_return_t mach_msg_return_t;

#define MACH_PORT_NULL 0u
#define MACH_PORT_DEAD 0xffffffffu

/* Rights a name can denote (mach_port_allocate, mod_refs). */
#define MACH_PORT_RIGHT_SEND 0
#define MACH_PORT_RIGHT_RECEIVE 1
#define MACH_PORT_RIGHT_SEND_ONCE 2
#define MACH_PORT_RIGHT_PORT_SET 3
#define MACH_PORT_RIGHT_DEAD_NAME 4

/* Dispositions: what sending does with the sender's right. */
#define MACH_MSG_TYPE_MOVE_RECEIVE 16
#define MACH_MSG_TYPE_MOVE_SEND 17
#define MACH_MSG_TYPE_MOVE_SEND_ONCE 18
#define MACH_MSG_TYPE_COPY_SEND 19
#define MACH_MSG_TYPE_MAKE_SEND 20
#define MACH_MSG_TYPE_MAKE_SEND_ONCE 21
/* What the receiver finds in the same fields. */
#define MACH_MSG_TYPE_PORT_RECEIVE MACH_MSG_TYPE_MOVE_RECEIVE
#define MACH_MSG_TYPE_PORT_SEND MACH_MSG_TYPE_MOVE_SEND
#define MACH_MSG_TYPE_PORT_SEND_ONCE MACH_MSG_TYPE_MOVE_SEND_ONCE

#define MACH_MSGH_BITS(remote, local) ((remote) | ((local) << 8))
#define MACH_MSGH_BITS_REMOTE(bits) ((bits)&0xff)
#define MACH_MSGH_BITS_LOCAL(bits) (((bits) >> 8) & 0xff)
#define MACH_MSGH_BITS_COMPLEX 0x80000000u
#define MACH_MSGH_BITS_USED 0x80001f1fu /* any other bit set is malformed */

typedef struct {
  mach_msg_bits_t msgh_bits;
  mach_msg_size_t msgh_size;
  mach_port_name_t msgh_remote_port;
  mach_port_name_t msgh_local_port;
  mach_port_name_t msgh_voucher_port; /* must be MACH_PORT_NULL */
  mach_msg_id_t msgh_id;
} mach_msg_header_t;

typedef struct {
  mach_msg_size_t msgh_descriptor_count;
} mach_msg_body_t;

#define MACH_MSG_PORT_DESCRIPTOR 0
#define MACH_MSG_OOL_DESCRIPTOR 1

typedef struct {
  mach_port_name_t name;
  mach_msg_size_t pad1;
  uint32_t pad2 : 16;
  uint32_t disposition : 8;
  uint32_t type : 8;
} mach_msg_port_descriptor_t;

#define MACH_MSG_PHYSICAL_COPY 0
#define MACH_MSG_VIRTUAL_COPY 1

typedef struct {
  uint64_t address;
  uint32_t deallocate : 8; /* sender's range is unmapped on send (a move) */
  uint32_t copy : 8;       /* MACH_MSG_VIRTUAL_COPY: copy-on-write */
  uint32_t pad1 : 8;
  uint32_t type : 8;
  mach_msg_size_t size;
} mach_msg_ool_descriptor_t;

/* Both descriptor kinds are read through this 16-byte slot in messages
 * (a port descriptor uses its first 12 bytes and 4 of padding), so a body
 * can be walked without knowing the kinds in advance. */
#define AMPHI_MSG_DESCRIPTOR_SIZE 16u

/* mach_msg options. */
#define MACH_SEND_MSG 0x00000001u
#define MACH_RCV_MSG 0x00000002u
#define MACH_SEND_TIMEOUT 0x00000010u
#define MACH_RCV_TIMEOUT 0x00000100u

/* Limits (Amphi's). */
#define AMPHI_MSG_MAX_INLINE 8192u      /* header + descriptors + inline bytes */
#define AMPHI_MSG_MAX_DESCRIPTORS 64u
#define AMPHI_MSG_MAX_OOL (64u << 20)   /* bytes in one OOL descriptor */
#define AMPHI_PORT_QUEUE_LIMIT 16u      /* messages queued per port before senders block */

/* mach_msg return codes (Mach's values). */
#define MACH_MSG_SUCCESS 0x00000000
#define MACH_SEND_INVALID_DATA 0x10000002
#define MACH_SEND_INVALID_DEST 0x10000003
#define MACH_SEND_TIMED_OUT 0x10000004
#define MACH_SEND_INVALID_REPLY 0x10000009
#define MACH_SEND_INVALID_RIGHT 0x1000000a
#define MACH_SEND_MSG_TOO_SMALL 0x10000008
#define MACH_SEND_INVALID_MEMORY 0x1000000c
#define MACH_SEND_NO_BUFFER 0x1000000d
#define MACH_SEND_TOO_LARGE 0x1000000e
#define MACH_SEND_INVALID_TYPE 0x1000000f
#define MACH_SEND_INVALID_HEADER 0x10000010
#define MACH_RCV_INVALID_NAME 0x10004002
#define MACH_RCV_TIMED_OUT 0x10004003
#define MACH_RCV_TOO_LARGE 0x10004004
#define MACH_RCV_INTERRUPTED 0x10004005
#define MACH_RCV_INVALID_DATA 0x10004008
#define MACH_RCV_PORT_DIED 0x10004009

/* Notifications (sent by the kernel to a registered send-once right). */
#define MACH_NOTIFY_PORT_DELETED 0101
#define MACH_NOTIFY_NO_SENDERS 0106
#define MACH_NOTIFY_SEND_ONCE 0107
#define MACH_NOTIFY_DEAD_NAME 0110

typedef struct {
  mach_msg_header_t header;
  mach_port_name_t not_port; /* the name the notification is about */
} mach_dead_name_notification_t;

typedef struct {
  mach_msg_header_t header;
  uint32_t not_count; /* make-send count when the last send right went away */
} mach_no_senders_notification_t;

/* Port signals: bits the kernel raises on a port without building a
 * message (an interrupt, a doorbell), so raising them allocates nothing and
 * works in an interrupt handler. Raised bits collect on the port until a
 * receive takes them all at once, ahead of queued messages, as one message
 * with this id (no rights, no reply port; msgh_local_port names the port). */
#define AMPHI_MSG_ID_SIGNALS 0x5349474eu /* "SIGN" */
typedef struct {
  mach_msg_header_t header;
  uint32_t bits; /* every bit raised since the last receive took them */
} amphi_signal_message_t;
#define AMPHI_SIGNAL_IRQ(line) (1u << (line)) /* ISA line 0-15 fired (AMPHI_TRAP_INTERRUPT_BIND) */
#define AMPHI_SIGNAL_MSI (1u << 16)           /* the task's MSI vector fired (AMPHI_TRAP_MSI_BIND) */
#define AMPHI_SIGNAL_SERVICE(n) (1u << (24 + (n))) /* n 0-7: the kernel service holding the send right */

/* A signal mailbox: a pair of words in memory the receiving task and the
 * kernel share (a page the kernel mapped into the task), attached to a port
 * by the kernel service that owns the page. While the receiver says it is
 * running, raised bits are only ORed into `pending`, with no message and no
 * wakeup: a busy receiver looks at the mailbox before it sleeps and so
 * saves a receive trap for each signal (an interrupt that fires while its
 * driver server is still working). The handshake is Dekker's:
 *   kernel:   pending |= bits (atomic); if running: done;
 *             else take pending (exchange with 0) and raise them on the port;
 *             on waking the receiver (signals or a message): running = 1
 *   receiver: running = 0; full fence; take pending (exchange with 0);
 *             bits taken: running = 1, handle them; none: receive (sleep);
 *             after each receive: running = 1
 * Every raised bit is taken exactly once, by the receiver's exchange or by
 * the kernel's and then a receive. The kernel says "running" for a receiver
 * it wakes because that receiver will look before it sleeps again: bits
 * raised while it waits for the CPU (the doorbell of a request queued
 * behind the interrupt that woke it) then cost no second receive. So a
 * receiver on a port with a mailbox must keep its half of the handshake.
 * The receiver can write anything here; the kernel only does atomic
 * operations on the words, so a lying receiver can at worst miss its own
 * signals. */
typedef struct {
  uint32_t pending; /* raised while the receiver ran; receiver and kernel take them */
  uint32_t running; /* 1 while the receiver will look at pending before it sleeps (said by it, or by
                       the kernel that woke it) */
} amphi_signal_mailbox_t;

#endif
