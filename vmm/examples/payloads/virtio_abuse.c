// SPDX-License-Identifier: GPL-2.0
/*
 * A hostile virtio-blk driver: proves that the VMM refuses malformed
 * descriptor chains and that a reset brings the device back.
 *
 * It finds the first virtio-blk among the virtio-mmio slots (`vmm run
 * --disk` puts the first disk in slot 0), reads sector POISON_SECTOR as a
 * baseline, then tries each malformed request of `cases` below, one at a
 * time. Each is an OUT (write) request of a poison pattern to
 * POISON_SECTOR, spoiled in one way. After each it checks that the device
 * refused it: Status gained DEVICE_NEEDS_RESET (64), InterruptStatus the
 * configuration-change bit, and nothing was returned in the used ring.
 * Then it resets the device (Status = 0), negotiates again and reads
 * POISON_SECTOR back: it must still hold the baseline. Last comes one good
 * write to GOOD_SECTOR, read back to compare, and a summary line:
 *
 *   virtio-abuse: summary: N of N malformed requests refused, image intact, good write ok: PASS
 *
 * The VMM prints the first error of the device once, on its stderr. The
 * board test (selftests/board/vmm_example_test.c) checks all of this and
 * the image file afterwards.
 */
#include "bare.h"

/* virtio-mmio registers (virtio 1.2, 4.2.2) and status bits (2.1). */
#define MAGIC_VALUE		0x000
#define VERSION			0x004
#define DEVICE_ID		0x008
#define DEVICE_FEATURES		0x010
#define DEVICE_FEATURES_SEL	0x014
#define DRIVER_FEATURES		0x020
#define DRIVER_FEATURES_SEL	0x024
#define QUEUE_SEL		0x030
#define QUEUE_NUM_MAX		0x034
#define QUEUE_NUM		0x038
#define QUEUE_READY		0x044
#define QUEUE_NOTIFY		0x050
#define INTERRUPT_STATUS	0x060
#define STATUS			0x070
#define QUEUE_DESC_LOW		0x080
#define QUEUE_DESC_HIGH		0x084
#define QUEUE_DRIVER_LOW	0x090
#define QUEUE_DRIVER_HIGH	0x094
#define QUEUE_DEVICE_LOW	0x0a0
#define QUEUE_DEVICE_HIGH	0x0a4
#define CONFIG_CAPACITY		0x100

#define VIRTIO_MAGIC		0x74726976u
#define VIRTIO_ID_BLOCK		2
#define S_ACKNOWLEDGE		1u
#define S_DRIVER		2u
#define S_DRIVER_OK		4u
#define S_FEATURES_OK		8u
#define S_NEEDS_RESET		64u
#define S_LIVE			(S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK)
#define INT_CONFIG		2u

#define F_NEXT			1u
#define F_WRITE			2u
#define F_INDIRECT		4u

#define BLK_T_IN		0
#define BLK_T_OUT		1
#define BLK_S_OK		0
#define SECTOR			512

#define QSIZE			8
#define GOOD_SECTOR		1
#define POISON_SECTOR		2
#define OUTSIDE_RAM		0x20000000u	/* the virt board has nothing there */
#define WAIT_MS			5000
#define GOOD_TEXT		"kvm32 virtio-abuse: the good write\n"

/* Split virtqueue layouts (2.7.5, 2.7.6, 2.7.8). */
struct vq_desc {
	uint32_t addr_lo, addr_hi;
	uint32_t len;
	uint16_t flags, next;
};

struct vq_avail {
	uint16_t flags, idx;
	uint16_t ring[QSIZE];
	uint16_t used_event;
};

struct vq_used {
	uint16_t flags, idx;
	struct {
		uint32_t id, len;
	} ring[QSIZE];
	uint16_t avail_event;
};

/* A virtio-blk request header (5.2.6). */
struct blk_header {
	uint32_t type, reserved;
	uint32_t sector_lo, sector_hi;
};

static struct vq_desc desc[QSIZE] __attribute__((aligned(16)));
static struct vq_avail avail __attribute__((aligned(4)));
static volatile struct vq_used used __attribute__((aligned(4)));
static struct blk_header header __attribute__((aligned(16)));
static uint8_t data[SECTOR] __attribute__((aligned(64)));
static volatile uint8_t status_byte;
static uint8_t baseline[SECTOR];
static uint16_t next_avail;	/* our copy of avail.idx */
static uint32_t blk;		/* the device's registers */

static uint32_t rd(uint32_t reg)
{
	return mmio_read32(blk + reg);
}

static void wr(uint32_t reg, uint32_t v)
{
	mmio_write32(blk + reg, v);
}

static uint32_t gpa(const volatile void *p)
{
	return (uint32_t)(uintptr_t)p;	/* identity-mapped */
}

/* The first virtio-mmio slot holding a block device, or 0. */
static uint32_t find_blk(void)
{
	unsigned int slot;

	for (slot = 0; slot < BOARD_VIRTIO_SLOTS; slot++) {
		uint32_t base = BOARD_VIRTIO + slot * BOARD_VIRTIO_STRIDE;

		if (mmio_read32(base + MAGIC_VALUE) == VIRTIO_MAGIC &&
		    mmio_read32(base + VERSION) == 2 &&
		    mmio_read32(base + DEVICE_ID) == VIRTIO_ID_BLOCK)
			return base;
	}
	return 0;
}

/*
 * Resets the device and brings it to DRIVER_OK with queue 0 of QSIZE
 * entries, its descriptor table at @desc_gpa (the other rings are ours).
 * Returns NULL, or what went wrong before the queue was set up.
 */
static const char *negotiate(uint32_t desc_gpa)
{
	wr(STATUS, 0);
	if (rd(STATUS) != 0)
		return "Status is not 0 after a reset";
	memset(desc, 0, sizeof(desc));
	memset(&avail, 0, sizeof(avail));
	memset((void *)&used, 0, sizeof(used));
	next_avail = 0;
	dsb();

	wr(STATUS, S_ACKNOWLEDGE);
	wr(STATUS, S_ACKNOWLEDGE | S_DRIVER);
	wr(DEVICE_FEATURES_SEL, 1);
	if (!(rd(DEVICE_FEATURES) & 1))
		return "the device does not offer VIRTIO_F_VERSION_1";
	wr(DRIVER_FEATURES_SEL, 1);
	wr(DRIVER_FEATURES, 1);		/* VERSION_1 (bit 32) only */
	wr(DRIVER_FEATURES_SEL, 0);
	wr(DRIVER_FEATURES, 0);
	wr(STATUS, S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK);
	if (!(rd(STATUS) & S_FEATURES_OK))
		return "the device refused FEATURES_OK";

	wr(QUEUE_SEL, 0);
	if (rd(QUEUE_NUM_MAX) < QSIZE)
		return "queue 0 is too small";
	if (rd(QUEUE_READY))
		return "queue 0 is still ready after a reset";
	wr(QUEUE_NUM, QSIZE);
	wr(QUEUE_DESC_LOW, desc_gpa);
	wr(QUEUE_DESC_HIGH, 0);
	wr(QUEUE_DRIVER_LOW, gpa(&avail));
	wr(QUEUE_DRIVER_HIGH, 0);
	wr(QUEUE_DEVICE_LOW, gpa(&used));
	wr(QUEUE_DEVICE_HIGH, 0);
	wr(QUEUE_READY, 1);
	wr(STATUS, S_LIVE);
	return NULL;
}

static void set_desc(unsigned int i, const volatile void *buf, uint32_t len, uint16_t flags,
		     uint16_t next)
{
	desc[i].addr_lo = gpa(buf);
	desc[i].addr_hi = 0;
	desc[i].len = len;
	desc[i].flags = flags;
	desc[i].next = next;
}

/* The usual three-part request in descriptors 0 -> 1 -> 2: header, data, status. */
static void build_request(uint32_t type, uint32_t sector)
{
	header.type = type;
	header.reserved = 0;
	header.sector_lo = sector;
	header.sector_hi = 0;
	status_byte = 0xff;
	set_desc(0, &header, sizeof(header), F_NEXT, 1);
	set_desc(1, data, SECTOR, F_NEXT | (type == BLK_T_IN ? F_WRITE : 0), 2);
	set_desc(2, &status_byte, 1, F_WRITE, 0);
}

/* Makes chain @head available and notifies queue 0. */
static void submit(uint16_t head)
{
	avail.ring[next_avail % QSIZE] = head;
	next_avail++;
	dsb();			/* the entry and the chain before the index */
	avail.idx = next_avail;
	dsb();			/* the index before the notification */
	wr(QUEUE_NOTIFY, 0);
}

enum outcome { SERVED, REFUSED, NOTHING };

/* Waits until the device returns a chain (used.idx moves) or refuses (NEEDS_RESET). */
static enum outcome wait_outcome(uint16_t used_before)
{
	uint64_t deadline = bare_deadline_ms(WAIT_MS);

	do {
		if (rd(STATUS) & S_NEEDS_RESET)
			return REFUSED;
		if (used.idx != used_before)
			return SERVED;
	} while (!bare_expired(deadline));
	return NOTHING;
}

/* One well-formed request on sector @sector; returns its status byte, or -1. */
static int do_io(uint32_t type, uint32_t sector)
{
	uint16_t before = used.idx;

	build_request(type, sector);
	submit(0);
	if (wait_outcome(before) != SERVED)
		return -1;
	dsb();
	if (used.ring[before % QSIZE].id != 0)
		return -1;
	return status_byte;
}

/* After a reset: is @sector what @expect says? Also proves the device works again. */
static bool sector_is(uint32_t sector, const uint8_t *expect)
{
	if (negotiate(gpa(desc)) || rd(STATUS) != S_LIVE)
		return false;
	if (do_io(BLK_T_IN, sector) != BLK_S_OK)
		return false;
	return memcmp(data, expect, SECTOR) == 0;
}

static void fill_poison(void)
{
	unsigned int i;

	for (i = 0; i < SECTOR; i++)
		data[i] = "POISON! "[i % 8];
}

/* ---- The malformed requests: each spoils the poison write of build_request(). ---- */

enum how { CHAIN, HEAD, JUMP, RING };

struct abuse_case {
	const char *name;
	enum how how;		/* CHAIN: spoil() the chain; the others: see run_case() */
	void (*spoil)(void);
};

static void next_out_of_range(void) { desc[0].next = 200; }
/* 0 -> 1 -> 0 -> ...: all readable, so only the length of the walk gives it away. */
static void chain_loop(void) { desc[1].next = 0; }
static void buffer_outside_ram(void) { desc[1].addr_lo = OUTSIDE_RAM; }
/* 0x1_4xxx_xxxx: guest RAM if the device cut addresses to 32 bits. */
static void buffer_above_4g(void) { desc[1].addr_hi = 1; }
static void buffer_wraps(void) { desc[1].addr_lo = 0xffffff00u; }
static void absurd_length(void) { desc[1].len = 0xfffffff0u; }
static void zero_length(void) { desc[1].len = 0; }
static void write_only_header(void) { desc[0].flags |= F_WRITE; desc[1].flags |= F_WRITE; }
/* The data device-writable, the status byte after it device-readable. */
static void readable_after_writable(void) { desc[1].flags |= F_WRITE; desc[2].flags = 0; }
static void no_status_byte(void) { desc[2].flags = 0; }
static void indirect(void) { desc[0].flags |= F_INDIRECT; }

static const struct abuse_case cases[] = {
	{ "next index out of range", CHAIN, next_out_of_range },
	{ "descriptor loop", CHAIN, chain_loop },
	{ "buffer outside RAM", CHAIN, buffer_outside_ram },
	{ "buffer above 4 GiB", CHAIN, buffer_above_4g },
	{ "buffer wrapping past 4 GiB", CHAIN, buffer_wraps },
	{ "absurd length", CHAIN, absurd_length },
	{ "zero length", CHAIN, zero_length },
	{ "write-only header", CHAIN, write_only_header },
	{ "readable after writable", CHAIN, readable_after_writable },
	{ "no status byte", CHAIN, no_status_byte },
	{ "indirect descriptor", CHAIN, indirect },
	{ "head index out of range", HEAD, NULL },
	{ "avail idx jumps past the queue size", JUMP, NULL },
	{ "descriptor table outside RAM", RING, NULL },
};

#define NR_CASES	(sizeof(cases) / sizeof(cases[0]))

/* Returns whether the device refused case @c; *@intact: whether it left the image alone. */
static bool run_case(unsigned int n, const struct abuse_case *c, bool *intact)
{
	enum outcome outcome = NOTHING;
	const char *why;
	bool refused;

	why = negotiate(c->how == RING ? OUTSIDE_RAM : gpa(desc));
	if (why) {
		bare_printf("virtio-abuse: case %u (%s): set-up failed: %s\n", n, c->name, why);
		*intact = sector_is(POISON_SECTOR, baseline);
		return false;
	}
	switch (c->how) {
	case RING:
		/* QueueReady with a bad ring breaks the device at once, before DRIVER_OK. */
		if (rd(STATUS) & S_NEEDS_RESET)
			outcome = rd(QUEUE_READY) ? SERVED : REFUSED;
		break;
	case JUMP:
		/* Nine entries "available" in a queue of eight. */
		avail.ring[0] = 0;
		build_request(BLK_T_OUT, POISON_SECTOR);
		fill_poison();
		dsb();
		avail.idx = QSIZE + 1;
		dsb();
		wr(QUEUE_NOTIFY, 0);
		outcome = wait_outcome(0);
		break;
	case HEAD:
	case CHAIN:
		build_request(BLK_T_OUT, POISON_SECTOR);
		fill_poison();
		if (c->spoil)
			c->spoil();
		submit(c->how == HEAD ? 99 : 0);
		outcome = wait_outcome(0);
		break;
	}
	refused = outcome == REFUSED && (rd(INTERRUPT_STATUS) & INT_CONFIG) && used.idx == 0;
	*intact = sector_is(POISON_SECTOR, baseline);
	bare_printf("virtio-abuse: case %u (%s): %s, image %s\n", n, c->name,
		    refused ? "refused" : outcome == SERVED ? "SERVED" : "NOT REFUSED",
		    *intact ? "intact" : "CHANGED (or unreadable)");
	return refused;
}

/* The last test: a good write, read back. */
static bool good_write(void)
{
	static const char text[] = GOOD_TEXT;
	static uint8_t expect[SECTOR];
	unsigned int i;

	if (negotiate(gpa(desc)) || rd(STATUS) != S_LIVE)
		return false;
	for (i = 0; i < SECTOR; i++)
		data[i] = i < sizeof(text) - 1 ? text[i] : 0;
	memcpy(expect, data, SECTOR);
	if (do_io(BLK_T_OUT, GOOD_SECTOR) != BLK_S_OK)
		return false;
	return sector_is(GOOD_SECTOR, expect);
}

int main(void)
{
	unsigned int i, refused = 0;
	bool intact = true, good;

	bare_mmu_enable();
	blk = find_blk();
	if (!blk) {
		bare_printf("virtio-abuse: no virtio-blk device found\n");
		bare_printf("virtio-abuse: summary: nothing to test: FAIL\n");
		return 1;
	}
	bare_printf("virtio-abuse: virtio-blk at %x, %u sectors\n", blk, rd(CONFIG_CAPACITY));
	if (rd(CONFIG_CAPACITY) <= POISON_SECTOR || negotiate(gpa(desc)) ||
	    do_io(BLK_T_IN, POISON_SECTOR) != BLK_S_OK) {
		bare_printf("virtio-abuse: summary: cannot read sector %u: FAIL\n", POISON_SECTOR);
		return 1;
	}
	memcpy(baseline, data, SECTOR);
	fill_poison();
	if (!memcmp(baseline, data, SECTOR)) {
		bare_printf("virtio-abuse: summary: sector %u already holds the poison: FAIL\n",
			    POISON_SECTOR);
		return 1;
	}

	for (i = 0; i < NR_CASES; i++) {
		bool case_intact;

		refused += run_case(i + 1, &cases[i], &case_intact);
		intact = intact && case_intact;
	}
	good = good_write();
	bare_printf("virtio-abuse: summary: %u of %u malformed requests refused, image %s, "
		    "good write %s: %s\n", refused, (unsigned int)NR_CASES,
		    intact ? "intact" : "CHANGED or unreadable", good ? "ok" : "FAILED",
		    refused == NR_CASES && intact && good ? "PASS" : "FAIL");
	return 0;
}
