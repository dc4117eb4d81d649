"""A worker process past INGEST_WORKER_MAX_MEMORY_MB after a task is replaced before it takes the next one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests import processes, services
from tests.e2e.conftest import Stack, _stack, embedded_services

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def small_memory_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    # 1 MB: any process that has parsed an article (spaCy's model alone is a hundred) is past it after its task.
    config = {**embedded_services(tmp_path_factory.mktemp("memory-var")), "WORKER_MAX_MEMORY_MB": "1"}
    yield from _stack("embedded", config, tmp_path_factory.mktemp("memory"))


def _submit(stack: Stack, number: int) -> str:
    body = services.SEED_ARTICLE.read_bytes() + f"\n\nMemory note {number}.\n".encode()
    response = stack.client.post("/v1/articles?source=memory", data=body, content_type="text/plain")
    assert response.status_code == 202, response.get_json()
    return str(response.get_json()["id"])


def test_a_process_past_its_memory_bound_is_replaced_after_its_task(small_memory_stack: Stack) -> None:
    worker = small_memory_stack.start_worker()

    def pool_process() -> int | None:
        return processes.pool_process(worker.process.pid)

    try:
        first_process = services.wait_until(pool_process, 30, message="a pool process")
        assert small_memory_stack.wait_for_status(_submit(small_memory_stack, 1))["status"] == "done"
        services.wait_until(lambda: not processes.alive(first_process), 30, message="the process past its bound exits")
        replacement = services.wait_until(
            lambda: (pid := pool_process()) != first_process and pid, 30, message="a new process"
        )
        # The replacement takes the next article: nothing is lost by the swap.
        assert small_memory_stack.wait_for_status(_submit(small_memory_stack, 2))["status"] == "done"
        assert processes.alive(worker.process.pid) and replacement != first_process
    finally:
        worker.stop()
