// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk on a raw image (virtio 1.2, 5.2).
 *
 * A request is a header the device reads (le32 type, le32 reserved, le64
 * sector: 16 bytes), data, and a status byte the device writes: the last
 * byte of the chain (5.2.6). We do not assume the driver puts each in its
 * own descriptor (2.6.4, message framing): the header is the first 16
 * readable bytes, the status the last writable byte, the data what lies
 * between. A chain without a whole header or a status byte cannot be
 * answered and breaks the queue.
 */
/* off_t is 64-bit on 32-bit ARM too: images beyond 2 GiB. */
#define _FILE_OFFSET_BITS 64

#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "virtio_blk.h"

/* Config space layout (5.2.4), the fields up to blk_size. */
#define CONFIG_CAPACITY		0	/* le64, in 512-byte sectors */
#define CONFIG_SIZE_MAX		8	/* le32: bytes per segment (SIZE_MAX) */
#define CONFIG_SEG_MAX		12	/* le32: segments per request (SEG_MAX) */
#define CONFIG_BLK_SIZE		20	/* le32 (BLK_SIZE) */
#define CONFIG_SIZE		24

#define HEADER_BYTES		16
/*
 * Linux adds the header and status descriptors to SEG_MAX data segments
 * (virtio_blk.c: sg_elems + 2), and without indirect descriptors each takes
 * one queue entry.
 */
#define SEG_MAX			(VIRTIO_BLK_QUEUE_SIZE - 2)
/* So the largest request, SEG_MAX * SIZE_MAX plus 17 bytes, stays below VIRTQ_CHAIN_MAX_BYTES. */
#define SIZE_MAX_BYTES		(256u << 10)
_Static_assert((uint64_t)SEG_MAX * SIZE_MAX_BYTES + HEADER_BYTES + 1 <= VIRTQ_CHAIN_MAX_BYTES,
	       "a request the driver may build must fit a chain");

struct virtio_blk {
	struct virtio_mmio transport;
	int fd;
	bool read_only;
	uint64_t capacity;
	char serial[VIRTIO_BLK_ID_BYTES];
	uint8_t config[CONFIG_SIZE];
	/* Used under the transport's lock only. */
	struct virtq_chain chain;
	struct iovec io[VIRTQ_MAX_SIZE];
};

static void config_read(void *dev, uint32_t offset, uint8_t *data, uint32_t len)
{
	struct virtio_blk *blk = dev;

	memcpy(data, blk->config + offset, len);
}

/* Moves past `done` bytes of iov[0..*n). */
static struct iovec *advance(struct iovec *iov, unsigned int *n, size_t done)
{
	while (*n && done >= iov->iov_len) {
		done -= iov->iov_len;
		iov++;
		(*n)--;
	}
	if (*n) {
		iov->iov_base = (uint8_t *)iov->iov_base + done;
		iov->iov_len -= done;
	}
	return iov;
}

/* Reads or writes all of iov[0..n) at `offset` of the image, through short transfers. */
static bool transfer(int fd, struct iovec *iov, unsigned int n, off_t offset, bool write)
{
	while (n) {
		ssize_t r = write ? pwritev(fd, iov, n, offset) : preadv(fd, iov, n, offset);

		if (r < 0 && errno == EINTR)
			continue;
		/* 0 is the end of a file that shrank under us: no progress possible. */
		if (r <= 0)
			return false;
		offset += r;
		iov = advance(iov, &n, r);
	}
	return true;
}

/* IN and OUT: `len` data bytes at `offset` of the readable (OUT) or writable (IN) part. */
static uint8_t read_write(struct virtio_blk *blk, bool write, uint64_t sector, size_t offset,
			  size_t len)
{
	unsigned int n;

	if (write && blk->read_only)
		return VIRTIO_BLK_S_IOERR;
	/* The driver must send whole sectors (5.2.6.1); both checks overflow-safe. */
	if (len % VIRTIO_BLK_SECTOR_SIZE || sector > blk->capacity ||
	    len / VIRTIO_BLK_SECTOR_SIZE > blk->capacity - sector)
		return VIRTIO_BLK_S_IOERR;
	n = virtq_chain_slice(&blk->chain, !write, offset, len, blk->io);
	if (!transfer(blk->fd, blk->io, n, sector * VIRTIO_BLK_SECTOR_SIZE, write))
		return VIRTIO_BLK_S_IOERR;
	/* A driver that did not take FLUSH expects each write to be on the disk (5.2.6.2). */
	if (write && !(virtio_mmio_features(&blk->transport) & (1ull << VIRTIO_BLK_F_FLUSH)) &&
	    fdatasync(blk->fd))
		return VIRTIO_BLK_S_IOERR;
	return VIRTIO_BLK_S_OK;
}

static uint8_t flush(struct virtio_blk *blk)
{
	/* The data written so far survives a crash of the VMM or the host once this returns. */
	while (fdatasync(blk->fd)) {
		if (errno != EINTR)
			return VIRTIO_BLK_S_IOERR;
	}
	return VIRTIO_BLK_S_OK;
}

/* Serves one request. Returns false when it is malformed (the queue is then broken). */
static bool serve(struct virtio_blk *blk, struct virtq *vq)
{
	struct virtq_chain *c = &blk->chain;
	uint8_t header[HEADER_BYTES];
	uint32_t type;
	uint64_t sector;
	size_t data_out, data_in;	/* data bytes the device reads / writes */
	size_t written = 0;		/* bytes written from the start of the writable part */
	uint8_t status;

	if (c->readable_len < HEADER_BYTES) {
		virtq_mark_broken(vq, "virtio-blk: request header has %zu bytes, not %u",
				  c->readable_len, HEADER_BYTES);
		return false;
	}
	if (c->writable_len < 1) {
		virtq_mark_broken(vq, "virtio-blk: request has no writable status byte");
		return false;
	}
	/* One copy: the guest may rewrite the header while we use it. */
	virtq_chain_read(c, 0, header, sizeof(header));
	memcpy(&type, header, 4);
	memcpy(&sector, header + 8, 8);
	type = le32toh(type);
	sector = le64toh(sector);
	data_out = c->readable_len - HEADER_BYTES;
	data_in = c->writable_len - 1;

	switch (type) {
	case VIRTIO_BLK_T_IN:
		status = read_write(blk, false, sector, 0, data_in);
		if (status == VIRTIO_BLK_S_OK)
			written = data_in;
		break;
	case VIRTIO_BLK_T_OUT:
		status = read_write(blk, true, sector, HEADER_BYTES, data_out);
		break;
	case VIRTIO_BLK_T_FLUSH:
		status = flush(blk);
		break;
	case VIRTIO_BLK_T_GET_ID:
		/* The serial, NUL-padded to 20 bytes, or what of it fits (5.2.6). */
		written = virtq_chain_write(c, 0, blk->serial,
					    data_in < VIRTIO_BLK_ID_BYTES ? data_in :
					    VIRTIO_BLK_ID_BYTES);
		status = VIRTIO_BLK_S_OK;
		break;
	default:
		status = VIRTIO_BLK_S_UNSUPP;
		break;
	}
	virtq_chain_write(c, c->writable_len - 1, &status, 1);
	/* Used length: bytes written from the start (2.7.8.1), the status too if contiguous. */
	if (written == data_in)
		written++;
	virtq_push(vq, c, written);
	return true;
}

static void queue_notify(void *dev, unsigned int queue)
{
	struct virtio_blk *blk = dev;
	struct virtq *vq = virtio_mmio_queue(&blk->transport, queue);

	if (!vq)
		return;
	while (virtq_pop(vq, &blk->chain) > 0) {
		if (!serve(blk, vq))
			return;
	}
}

int virtio_blk_create(struct virtio_blk **out, const struct virtio_blk_params *params,
		      struct mmio_bus *bus, uint64_t base, struct irq_line *irq,
		      const struct guest_mem *mem)
{
	struct virtio_backend backend = {
		.name = "virtio-blk",
		.device_id = VIRTIO_ID_BLOCK,
		.features = 1ull << VIRTIO_BLK_F_FLUSH | 1ull << VIRTIO_BLK_F_SEG_MAX |
			    1ull << VIRTIO_BLK_F_SIZE_MAX | 1ull << VIRTIO_BLK_F_BLK_SIZE,
		.num_queues = 1,
		.queue_max_size = VIRTIO_BLK_QUEUE_SIZE,
		.config_size = CONFIG_SIZE,
		.config_read = config_read,
		.queue_notify = queue_notify,
	};
	struct virtio_blk *blk;
	off_t size;
	int ret;

	if (!out || !params || params->fd < 0)
		return -EINVAL;
	size = lseek(params->fd, 0, SEEK_END);
	if (size < 0)
		return -errno;
	blk = calloc(1, sizeof(*blk));
	if (!blk)
		return -ENOMEM;
	blk->fd = params->fd;
	blk->read_only = params->read_only;
	blk->capacity = (uint64_t)size / VIRTIO_BLK_SECTOR_SIZE;
	if (params->serial)
		memcpy(blk->serial, params->serial, strnlen(params->serial, sizeof(blk->serial)));
	mmio_put_le64(blk->config + CONFIG_CAPACITY, blk->capacity);
	mmio_put_le32(blk->config + CONFIG_SIZE_MAX, SIZE_MAX_BYTES);
	mmio_put_le32(blk->config + CONFIG_SEG_MAX, SEG_MAX);
	mmio_put_le32(blk->config + CONFIG_BLK_SIZE, VIRTIO_BLK_SECTOR_SIZE);
	if (blk->read_only)
		backend.features |= 1ull << VIRTIO_BLK_F_RO;
	ret = virtio_mmio_attach(&blk->transport, &backend, blk, bus, base, irq, mem);
	if (ret) {
		free(blk);
		return ret;
	}
	*out = blk;
	return 0;
}

struct virtio_mmio *virtio_blk_transport(struct virtio_blk *blk)
{
	return &blk->transport;
}

uint64_t virtio_blk_capacity(const struct virtio_blk *blk)
{
	return blk->capacity;
}

void virtio_blk_destroy(struct virtio_blk *blk)
{
	if (!blk)
		return;
	virtio_mmio_destroy(&blk->transport);
	free(blk);
}
