"""Uploads in parts: start, add parts (each its own encrypted file), complete, abort, list.

Completing joins the parts without copying a byte: the blob's body *is* its parts' files, in
order. The parts share the upload's data key, each file with its own counter block. The
completed etag is the cloud's composite form: the MD5 of the parts' MD5s, "-" and the count.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from cloudtwin.engines._kernel.errors import Invalid, LimitExceeded, NotFound
from cloudtwin.engines._kernel.ids import new_hex
from cloudtwin.engines._kernel.scope import Scope
from cloudtwin.engines.blobs.bodies import BodyStore, Segment, Written
from cloudtwin.engines.blobs.containers import Containers
from cloudtwin.engines.blobs.model import Blob, Container, Digest, Part, Props, Sealing, Staging, Upload
from cloudtwin.engines.blobs.sealing import Sealer, key_md5
from cloudtwin.engines.blobs.store import props_doc, props_from



def _upload_from(upload_id: str, container: str, key: str, initiated: float, doc: dict[str, Any]) -> Upload:
    return Upload(upload_id, container, key, initiated, props_from(doc["p"], doc["tier"]), doc["sm"], doc["kr"],
                  tuple(doc["dn"]))


class Uploads(Containers):
    """The multipart half of the blob engine (mixed into BlobsEngine)."""

    bodies: BodyStore
    sealer: Sealer
    install: Callable[[Scope, int, Container, Blob, list[Segment], bytes, str], Blob]
    with_default_retention: Callable[[Container, Props, float], Props]
    version_for: Callable[[Container], str]

    def start_upload(self, scope: Scope, container: str, key: str, props: Props,
                     sealing: Sealing = Sealing(), digest_names: Sequence[str] = ()) -> Upload:
        cid, _ = self.container_row(container)
        data_key, wrapped, key_ref = self.sealer.new_key(scope, sealing, (container, key))
        upload_id = new_hex(24)
        customer = key_md5(sealing.customer_key) if sealing.mode == "customer" else b""
        doc = {"p": props_doc(props), "tier": props.tier, "sm": sealing.mode, "kr": key_ref, "w": wrapped,
               "cm": customer, "dn": list(digest_names)}
        with self.db.atomic():
            self.store.insert_upload(upload_id, cid, key, self.clock.now(), doc)
        return _upload_from(upload_id, container, key, self.clock.now(), doc)

    def _upload(self, container: str, key: str, upload_id: str) -> tuple[int, float, dict[str, Any]]:
        cid, _ = self.container_row(container)
        found = self.store.upload(upload_id)
        if found is None or found[0] != cid or found[1] != key:
            raise NotFound("The specified upload does not exist. The upload ID may be invalid, or the upload "
                           "may have been aborted or completed.", kind="upload", name=upload_id)
        return cid, found[2], found[3]

    def upload_info(self, container: str, key: str, upload_id: str) -> Upload:
        _, initiated, doc = self._upload(container, key, upload_id)
        return _upload_from(upload_id, container, key, initiated, doc)

    def put_part(self, scope: Scope, container: str, key: str, upload_id: str, number: int,
                 chunks: Iterable[bytes], digests: Sequence[Digest] = (), sealing: Sealing | None = None) -> Part:
        staging = self.stage_part(scope, container, key, upload_id, number, sealing)
        return self.commit_part(staging, self.bodies.write(chunks, staging.data_key, digests))

    def stage_part(self, scope: Scope, container: str, key: str, upload_id: str, number: int,
                   sealing: Sealing | None = None) -> Staging:
        """The data key a part is written with (the upload's); then ``write`` and ``commit_part``."""
        _, _, doc = self._upload(container, key, upload_id)
        data_key = self.sealer.open_key(scope, doc["sm"], doc["kr"], doc["w"], sealing, (container, key))
        return Staging(container, key, sealing or Sealing(doc["sm"]), data_key, doc["w"], doc["kr"],
                       upload_id=upload_id, part_number=number)

    def commit_part(self, staging: Staging, written: Written) -> Part:
        segment, computed, etag = written.segment, written.digests, written.md5
        try:
            self._upload(staging.container, staging.key, staging.upload_id)  # not aborted meanwhile
        except NotFound:
            self.bodies.remove([segment.file_id])
            raise
        old = self.store.part(staging.upload_id, staging.part_number)
        now = self.clock.now()
        with self.db.atomic():
            if old is not None:
                self.store.discard([old[3]["sg"][0]])
            self.store.put_part(staging.upload_id, staging.part_number, segment.size, etag, now,
                                {"sg": segment.encode(), "d": computed})
        return Part(staging.part_number, segment.size, etag, now, computed)

    def parts(self, container: str, key: str, upload_id: str) -> list[Part]:
        self._upload(container, key, upload_id)
        return [Part(n, size, etag, at, doc["d"]) for n, size, etag, at, doc in self.store.parts(upload_id)]

    def uploads(self, container: str) -> list[Upload]:
        cid, _ = self.container_row(container)
        return [_upload_from(u, container, k, at, doc) for u, k, at, doc in self.store.uploads(cid)]

    def abort_upload(self, container: str, key: str, upload_id: str) -> None:
        self._upload(container, key, upload_id)
        with self.db.atomic():
            self.store.discard(p[4]["sg"][0] for p in self.store.parts(upload_id))
            self.store.delete_upload(upload_id)

    def complete_upload(self, scope: Scope, container: str, key: str, upload_id: str,
                        chosen: Sequence[tuple[int, str]], min_part_bytes: int, how: str = "upload") -> Blob:
        """Join the ``chosen`` (part number, etag) parts, in ascending order, into the blob."""
        cid, _, doc = self._upload(container, key, upload_id)
        stored = {n: (size, etag, part_doc) for n, size, etag, _, part_doc in self.store.parts(upload_id)}
        _check_chosen(chosen, stored, min_part_bytes)
        segments = [Segment.decode(stored[n][2]["sg"]) for n, _ in chosen]
        combined = hashlib.md5(b"".join(bytes.fromhex(stored[n][1]) for n, _ in chosen))
        now = self.clock.now()
        box = self.container(container)
        props = self.with_default_retention(box, props_from(doc["p"], doc["tier"]), now)
        digests = {name: b"".join(stored[n][2]["d"].get(name, b"") for n, _ in chosen) for name in doc["dn"]}
        blob = Blob(container, key, self.version_for(box), True, False, sum(s.size for s in segments),
                    f"{combined.hexdigest()}-{len(chosen)}", now, props, digests, len(chosen), doc["sm"],
                    doc["kr"], doc["cm"], None, now, None)
        used = {n for n, _ in chosen}
        with self.db.atomic():
            self.store.discard(stored[n][2]["sg"][0] for n in stored if n not in used)
            self.store.delete_upload(upload_id)
            return self.install(scope, cid, box, blob, segments, doc["w"], how)


def _check_chosen(chosen: Sequence[tuple[int, str]], stored: dict[int, Any], min_part_bytes: int) -> None:
    if not chosen:
        raise Invalid("You must specify at least one part", kind="parts", name="empty")
    numbers = [n for n, _ in chosen]
    if numbers != sorted(set(numbers)):
        raise Invalid("The list of parts was not in ascending order. Parts must be ordered by part number.",
                      kind="parts", name="order")
    for number, etag in chosen:
        if number not in stored or etag.strip('"') != stored[number][1]:
            raise Invalid("One or more of the specified parts could not be found.  The part may not have been "
                          "uploaded, or the specified entity tag may not match the part's entity tag.",
                          kind="parts", name="missing")
    for number, _ in chosen[:-1]:
        if stored[number][0] < min_part_bytes:
            raise LimitExceeded("Your proposed upload is smaller than the minimum allowed size", kind="part-size",
                                name=str(number), size=stored[number][0], min=min_part_bytes)
