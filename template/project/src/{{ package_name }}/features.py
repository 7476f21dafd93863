"""Feature engineering: everything between raw columns and the estimator."""

from __future__ import annotations

from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler


def build_features(n_features: int) -> ColumnTransformer:
    """Impute (median) then standardise every numeric column."""
    numeric = Pipeline(
        [
            ("impute", SimpleImputer(strategy="median")),
            ("scale", StandardScaler()),
        ]
    )
    return ColumnTransformer(
        [("numeric", numeric, list(range(n_features)))], remainder="drop"
    )
