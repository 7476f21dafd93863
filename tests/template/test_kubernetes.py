"""The ``kubernetes`` option: kustomize overlays that build, validate against a pinned
Kubernetes version and pass checkov; the release workflows (GitHub and GitLab)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from scaffold.projectenv import find_uv
from tests.projects import run, tool
from tests.template.conftest import ProjectFactory, package_of

ENVIRONMENTS = ["dev", "staging", "prod"]
KUBERNETES_VERSION = "1.32.0"
CHECKOV = "checkov==3.3.30"
# Each skip is justified in the Deployment's checkov.io/skip annotation and docs/deployment.md.
JUSTIFIED_SKIPS = {"CKV_K8S_43"}
DIGEST = "sha256:" + "0123456789abcdef" * 4


def kustomize(overlay: Path) -> list[dict[str, Any]]:
    result = run(["kubectl", "kustomize", str(overlay)], overlay)
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def by_kind(docs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    kinds = [doc["kind"] for doc in docs]
    assert len(kinds) == len(set(kinds)), kinds
    return {doc["kind"]: doc for doc in docs}


def image_uid(project: Path) -> int:
    match = re.search(r"^USER (\d+)", (project / "Dockerfile").read_text(), re.MULTILINE)
    assert match, "the Dockerfile runs as a numeric user"
    return int(match.group(1))


@pytest.fixture(scope="session")
def checkov(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """checkov in a venv of its own: it pins packaging and friends below the test extra's."""
    venv = tmp_path_factory.mktemp("checkov") / "venv"
    run([find_uv(), "venv", "--quiet", str(venv)], venv.parent)
    python = str(venv / "bin" / "python")
    run([find_uv(), "pip", "install", "--quiet", "--python", python, CHECKOV], venv.parent)
    return venv / "bin" / "checkov"


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_overlay_builds_and_validates_against_kubernetes(
    env: str, rendered: ProjectFactory, tmp_path: Path
) -> None:
    project = rendered("full")
    docs = kustomize(project / "deploy" / "k8s" / "overlays" / env)
    manifest = tmp_path / f"{env}.yaml"
    manifest.write_text(yaml.safe_dump_all(docs))
    validate = [tool("kubernetes-validate"), "-k", KUBERNETES_VERSION, "--strict"]
    result = run([*validate, str(manifest)], tmp_path)
    assert result.stdout.count("passed for resource") == len(docs)
    kinds = by_kind(docs)
    assert set(kinds) == {
        "ConfigMap",
        "Deployment",
        "Service",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "NetworkPolicy",
    }
    assert {doc["metadata"]["namespace"] for doc in docs} == {f"demo-project-{env}"}
    config = kinds["ConfigMap"]["data"]
    assert config == {f"{package_of(project).upper()}_ENVIRONMENT": env}
    replicas = kinds["Deployment"]["spec"]["replicas"]
    assert replicas == {"dev": 1, "staging": 2, "prod": 3}[env]
    assert kinds["HorizontalPodAutoscaler"]["spec"]["minReplicas"] == replicas
    assert kinds["Deployment"]["spec"]["template"]["spec"]["containers"][0]["image"] == (
        "ghcr.io/your-org/demo-project:0.1.0"
    )


def test_make_manifests_prints_the_overlay(rendered: ProjectFactory) -> None:
    project = rendered("full")
    result = run(["make", "--no-print-directory", "manifests", "ENV=staging"], project)
    docs = [doc for doc in yaml.safe_load_all(result.stdout.split("\n", 1)[1]) if doc]
    assert docs == kustomize(project / "deploy" / "k8s" / "overlays" / "staging")


def test_deployment_is_hardened_and_probed(rendered: ProjectFactory) -> None:
    project = rendered("full")
    deployment = by_kind(kustomize(project / "deploy/k8s/overlays/prod"))["Deployment"]
    pod = deployment["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    uid = image_uid(project)
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == uid == container["securityContext"]["runAsUser"]
    assert pod["automountServiceAccountToken"] is False
    security = container["securityContext"]
    assert security["readOnlyRootFilesystem"] is True
    assert security["allowPrivilegeEscalation"] is False
    assert security["capabilities"] == {"drop": ["ALL"]}
    for probe in ("readinessProbe", "livenessProbe", "startupProbe"):
        assert container[probe]["httpGet"]["path"] == "/health"
    assert container["ports"][0]["containerPort"] == 8000
    resources = container["resources"]
    assert resources["requests"]["cpu"] == "500m" and resources["limits"]["memory"] == "2Gi"
    mounts = {m["mountPath"]: m["name"] for m in container["volumeMounts"]}
    assert set(mounts) == {"/app/logs", "/tmp", "/var/run/prometheus"}
    assert {v["name"] for v in pod["volumes"] if "emptyDir" in v} == set(mounts.values())
    assert {"name": "PROMETHEUS_MULTIPROC_DIR", "value": "/var/run/prometheus"} in container["env"]
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/port"] == "8000"


def test_without_metrics_there_is_nothing_to_scrape(rendered: ProjectFactory) -> None:
    project = rendered("full", metrics="false")
    deployment = by_kind(kustomize(project / "deploy/k8s/overlays/dev"))["Deployment"]
    template = deployment["spec"]["template"]
    assert "annotations" not in template["metadata"]
    (container,) = template["spec"]["containers"]
    assert "env" not in container
    assert {m["mountPath"] for m in container["volumeMounts"]} == {"/app/logs", "/tmp"}


def pin_digest(overlay: Path) -> None:
    """What the release workflow's `kustomize edit set image NAME=IMAGE@DIGEST` writes."""
    kustomization = overlay / "kustomization.yaml"
    data = yaml.safe_load(kustomization.read_text())
    (entry,) = data["images"]
    data["images"] = [
        {"name": entry["name"], "newName": "ghcr.io/acme/demo-project", "digest": DIGEST}
    ]
    kustomization.write_text(yaml.safe_dump(data))


def checkov_reports(checkov: Path, folder: Path) -> list[dict[str, Any]]:
    """checkov's JSON reports on a folder (offline: no download from its platform)."""
    args = [str(checkov), "-d", str(folder), "--framework", "kubernetes", "--skip-download"]
    result = subprocess.run([*args, "-o", "json"], capture_output=True, text=True, check=False)
    assert result.stdout, result.stderr
    loaded = json.loads(result.stdout)
    return loaded if isinstance(loaded, list) else [loaded]


def checks(reports: list[dict[str, Any]], outcome: str) -> set[tuple[str, str]]:
    return {
        (check["check_id"], check["file_path"].lstrip("/"))
        for report in reports
        for check in report["results"][outcome]
    }


@pytest.mark.slow
def test_checkov_finds_nothing_but_the_justified_skip(
    checkov: Path, rendered: ProjectFactory, tmp_path: Path
) -> None:
    import shutil

    project = rendered("full")
    scan = tmp_path / "scan"
    scan.mkdir()
    for env in ENVIRONMENTS:
        docs = kustomize(project / "deploy/k8s/overlays" / env)
        (scan / f"{env}.yaml").write_text(yaml.safe_dump_all(docs))
    # As deployed: the image pinned by digest and no skip, so CKV_K8S_43 must pass.
    k8s = shutil.copytree(project / "deploy" / "k8s", tmp_path / "k8s")
    pin_digest(k8s / "overlays" / "prod")
    deployed = kustomize(k8s / "overlays" / "prod")
    for doc in deployed:
        doc["metadata"].get("annotations", {}).pop("checkov.io/skip1", None)
    (scan / "deployed.yaml").write_text(yaml.safe_dump_all(deployed))

    reports = checkov_reports(checkov, scan)
    assert checks(reports, "failed_checks") == set()
    skipped = checks(reports, "skipped_checks")
    assert skipped == {(check, f"{env}.yaml") for check in JUSTIFIED_SKIPS for env in ENVIRONMENTS}
    assert ("CKV_K8S_43", "deployed.yaml") in checks(reports, "passed_checks")
    summary = [report["summary"] for report in reports]
    assert sum(s["passed"] for s in summary) > 4 * 60  # the Kubernetes checks really ran


def test_release_workflow_is_valid_and_least_privilege(rendered: ProjectFactory) -> None:
    project = rendered("full")
    workflow = project / ".github" / "workflows" / "release.yml"
    run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(workflow)],
        project,
    )
    result = run(
        [tool("zizmor"), "--offline", "--persona=pedantic", "--no-progress", str(workflow)],
        project,
    )
    assert "No findings" in result.stdout + result.stderr
    text = workflow.read_text()
    loaded = yaml.safe_load(text)
    assert loaded[True] == {"push": {"tags": ["v*.*.*"]}}
    assert loaded["permissions"] == {}
    jobs = loaded["jobs"]
    assert list(jobs) == ["image", "staging", "prod"]
    writers = [name for name, job in jobs.items() if "write" in job["permissions"].values()]
    assert writers == ["image"] and jobs["image"]["permissions"]["packages"] == "write"
    assert jobs["staging"]["environment"] == "staging"
    assert jobs["prod"]["environment"] == "production"
    assert "staging" in jobs["prod"]["needs"]
    for name in ("staging", "prod"):
        script = jobs[name]["steps"][-1]["run"]
        assert f"cd deploy/k8s/overlays/{name}" in script
        assert 'kustomize edit set image "demo-project=$IMAGE"' in script
        assert "kubectl apply -k ." in script and "rollout status" in script
        assert jobs[name]["steps"][-1]["env"]["KUBECONFIG_CONTENT"] == "${{ secrets.KUBECONFIG }}"
    secrets = [line for line in text.splitlines() if "secrets." in line]
    assert len(secrets) == 3  # the push token and one KUBECONFIG per environment
    for action in re.findall(r"uses: (\S+)", text):
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", action), action


def test_gitlab_release_jobs(rendered: ProjectFactory) -> None:
    gitlab = rendered("full", ci="gitlab") / ".gitlab-ci.yml"
    run(
        [tool("check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci", str(gitlab)],
        gitlab.parent,
    )
    jobs = yaml.safe_load(gitlab.read_text())
    assert {"release-image", "deploy-staging", "deploy-prod"} <= set(jobs)
    assert jobs["deploy-staging"]["environment"]["name"] == "staging"
    prod = jobs["deploy-prod"]
    assert prod["environment"]["name"] == "production"
    assert prod["rules"][0]["when"] == "manual" and "deploy-staging" in prod["needs"]
    assert any("kustomize edit set image" in line for line in jobs[".deploy"]["script"])


def test_presets_without_kubernetes_have_none_of_it(rendered: ProjectFactory) -> None:
    for project in (rendered("standard"), rendered("full", kubernetes="false")):
        assert not (project / "deploy" / "k8s").exists()
        assert not (project / ".github" / "workflows" / "release.yml").exists()
        assert "kubectl" not in (project / "Makefile").read_text()
        assert not (project / "docs" / "deployment.md").exists()
