"""Commits a stage mid-way: its last checkpoint (model, optimiser, clocks, the loop's place) is
written as pieces of at most 3 MB into <out>/resume/ with a manifest, files the repository keeps;
the stage's `--resume` in a fresh clone joins them (the SHA-256 checked) and continues from there."""
from . import common


def main(argv=None):
    ap = common.base_args(__doc__, resume=False)
    ap.add_argument("--stage", required=True, help="a, b, c, d or e")
    args = ap.parse_args(argv)
    stage = "stage_%s" % args.stage.lower().replace("stage_", "")
    names, n = common.split_pieces(args.out, stage)
    print("%s/resume: %s (%d bytes in %d pieces)" % (args.out, stage, n, len(names)))


if __name__ == "__main__":
    main()
