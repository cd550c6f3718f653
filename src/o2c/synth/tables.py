"""Arrow tables shaped exactly like the contracts in `o2c.contracts.datasets`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pyarrow as pa

from o2c.contracts.datasets import DATASETS

# Money and rates stay exact decimal strings in every format; dates, ints and booleans are typed.
ARROW_TYPES: dict[str, pa.DataType] = {
    "text": pa.string(),
    "date": pa.date32(),
    "money": pa.string(),
    "rate": pa.string(),
    "int": pa.int32(),
    "bool": pa.bool_(),
}


def column(values: Any, type_: pa.DataType) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, pa.Array):
        return values if values.type == type_ else values.cast(type_)
    if isinstance(values, np.ndarray) and values.dtype.kind == "M":
        return pa.array(values.astype("datetime64[D]"), type=type_)
    return pa.array(values, type=type_)


def dataset_table(name: str, columns: Mapping[str, Any]) -> pa.Table:
    """The table of dataset `name`; `columns` must hold exactly the contract's columns."""
    spec = DATASETS[name]
    if set(columns) != set(spec.column_names):
        raise ValueError(
            f"{name}: columns {sorted(columns)} do not match the contract {spec.column_names}"
        )
    arrays = [column(columns[c.name], ARROW_TYPES[c.type]) for c in spec.columns]
    return pa.Table.from_arrays(arrays, names=spec.column_names)


def plain_table(columns: Mapping[str, Any], types: Mapping[str, pa.DataType]) -> pa.Table:
    """A table outside the contracts (ground truth), typed column by column."""
    return pa.Table.from_arrays(
        [column(v, types.get(k, pa.string())) for k, v in columns.items()], names=list(columns)
    )
