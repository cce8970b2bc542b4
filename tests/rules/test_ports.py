"""Port rules: counts by hand (72 GPUs x 18 links = 1,296 = 18 chips x 72 ports in GB200 NVL72)."""

from __future__ import annotations

from rackcad import Document, validate
from tests.rules import make_broken
from tests.rules.conftest import only


def _gpus(doc, part="b200-gb200"):
    return [n.id for n in doc.design.nodes if n.part == part]


def test_a_full_switch_chip_is_not_overcommitted_one_more_link_is(doc_of):
    doc = doc_of("gb200-nvl72")
    assert not only(validate(doc.design), "ports.overcommitted")  # every chip uses 72 of 72, every GPU 18 of 18
    gpu = _gpus(doc)[0]
    chip = next(n.id for n in doc.design.nodes if n.part == "nvlink5-switch")
    doc.connect(gpu, chip, protocol="nvlink5")
    found = {v.subjects: (v.measured, v.limit) for v in only(validate(doc.design), "ports.overcommitted")}
    assert found == {(gpu,): (19, 18), (chip,): (73, 72)}


def test_overcommitted_counts_parallel_links():
    report = validate(make_broken.ports_overcommitted())
    found = only(report, "ports.overcommitted")
    assert [(v.measured, v.limit, v.unit) for v in found] == [(24, 18, "ports")] * 2  # 3 peers x 6 + 6 more
    assert found[0].message == "GPU SLED1/GPU1-1 has 18 NVLink 5 ports in group 'nvlink' but its links use 24"


def test_unconnected_accelerator_ports_strand_bandwidth():
    found = only(validate(make_broken.ports_unconnected()), "ports.unconnected")
    assert [(v.severity, v.measured, v.limit) for v in found] == [("warning", 12, 18)] * 2
    assert "6 of its 18 NVLink 5 ports unconnected: 2,400 Gb/s" in found[0].message  # 6 x 400 Gb/s


def test_dangling_ends():
    found = only(validate(make_broken.ports_dangling()), "ports.dangling")
    assert [v.subjects[0] for v in found] == ["L90", "L90", "L91", "L91", "L92", "L92"]
    messages = " | ".join(v.message for v in found)
    assert "names 'G99', which is not in the design" in messages
    assert "port group 'bogus'" in messages and "(it has: nvlink)" in messages
    index = next(v for v in found if v.unit == "port index")
    assert (index.measured, index.limit) == (9, 3)


def test_nvlink_generations_do_not_mix():
    report = validate(make_broken.protocol_nvlink_generation())
    [violation] = only(report, "ports.protocol_mismatch")
    assert violation.severity == "error" and violation.subjects == ("L1", "G1", "S1")
    assert "(NVLink 5 port) to switch chip SW6 (NVLink 6 port)" in violation.message


def test_c2c_is_not_an_nvlink_fabric_port():
    [violation] = only(validate(make_broken.protocol_c2c_vs_nvlink()), "ports.protocol_mismatch")
    assert "NVLink-C2C" in violation.message and violation.severity == "error"


def test_ucie_only_inside_a_package_or_tray():
    [violation] = only(validate(make_broken.protocol_ucie_outside_package()), "ports.impossible_link")
    assert violation.subjects == ("L2", "X3", "X4")  # L1 joins XPU1-XPU2 on one sled: fine


def test_xpu_needs_the_fusion_chiplet_for_nvlink(built):
    [violation] = only(validate(make_broken.protocol_xpu_without_fusion()), "ports.protocol_mismatch")
    assert "without an NVLink Fusion chiplet" in violation.message and violation.subjects == ("L1", "X1")
    assert not only(validate(built("fusion-xpu")), "ports.protocol_mismatch")  # XPUs with the chiplet


def test_pcie_generation_mismatch_is_a_warning_with_the_rates():
    [violation] = only(validate(make_broken.protocol_pcie_generation()), "ports.protocol_mismatch")
    # PCIe 5 x16 = 512 Gb/s per direction against PCIe 6 x16 = 1,024 Gb/s (S37)
    assert (violation.severity, violation.measured, violation.limit, violation.unit) == ("warning", 512, 1024, "Gb/s")


def test_link_declared_with_another_protocol_than_its_ports(doc_of):
    doc = doc_of("gb200-nvl72")
    link = next(link for link in doc.design.links if link.protocol == "nvlink5")
    doc.set(link.id, protocol="nvlink6")
    [violation] = only(validate(doc.design), "ports.protocol_mismatch")
    assert violation.subjects[0] == link.id and "is declared NVLink 6" in violation.message


def test_vpi_adapters_speak_ethernet_and_infiniband_switches_do_not():
    doc = Document()
    rack = doc.add_rack("mgx-nvl72-rack")
    sled = doc.place("custom-compute-sled", rack, u=10)
    nic = doc.place("connectx-7", sled, bay=6)
    ethernet = doc.place("spectrum-x-photonics-sn6810", rack, u=20)
    infiniband = doc.place("quantum-x800-q3400", rack, u=30)
    doc.connect(nic, ethernet, protocol="ethernet", port_a="net", port_b="net")
    assert not only(validate(doc.design), "ports.protocol_mismatch")
    doc.connect(infiniband, ethernet, protocol="ethernet", port_a="net", port_b="net")
    [violation] = only(validate(doc.design), "ports.protocol_mismatch")
    assert "InfiniBand switch port does not link to an Ethernet port" in violation.message
