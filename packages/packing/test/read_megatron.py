"""Independent reader of the Megatron-LM indexed dataset (.bin + .idx), written from the format
(NVIDIA/Megatron-LM megatron/core/datasets/indexed_dataset.py) with numpy only. Prints JSON:
{"dtype": ..., "sequences": [[ids...], ...], "document_indices": [...]} for the prefix given."""
import json
import struct
import sys

import numpy as np

DTYPES = {1: np.uint8, 2: np.int8, 3: np.int16, 4: np.int32, 5: np.int64, 6: np.float64, 7: np.float32, 8: np.uint16}


def read(prefix):
    with open(prefix + ".idx", "rb") as f:
        assert f.read(9) == b"MMIDIDX\x00\x00", "bad magic"
        (version,) = struct.unpack("<Q", f.read(8))
        assert version == 1, version
        (code,) = struct.unpack("<B", f.read(1))
        dtype = DTYPES[code]
        (seq_count,) = struct.unpack("<Q", f.read(8))
        (doc_count,) = struct.unpack("<Q", f.read(8))
        offset = f.tell()
    buf = memoryview(open(prefix + ".idx", "rb").read())
    lengths = np.frombuffer(buf, dtype=np.int32, count=seq_count, offset=offset)
    pointers = np.frombuffer(buf, dtype=np.int64, count=seq_count, offset=offset + lengths.nbytes)
    docs = np.frombuffer(buf, dtype=np.int64, count=doc_count, offset=offset + lengths.nbytes + pointers.nbytes)
    data = np.memmap(prefix + ".bin", dtype=dtype, mode="r")
    item = np.dtype(dtype).itemsize
    seqs = []
    for n, p in zip(lengths, pointers):
        start = int(p) // item
        seqs.append(data[start:start + int(n)].astype(np.int64).tolist())
    return {"dtype": np.dtype(dtype).name, "sequences": seqs, "document_indices": docs.tolist()}


if __name__ == "__main__":
    json.dump(read(sys.argv[1]), sys.stdout)
