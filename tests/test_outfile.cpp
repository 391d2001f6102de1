// Output files (util/outfile.h): written whole or not at all, every write checked, and the
// paths of a command checked together before a run (an output onto an input, two outputs
// on one file, a missing or unwritable directory).
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/outfile.h"

namespace {

struct TmpDir {
    std::string path;
    TmpDir()
    {
        char t[] = "/tmp/le_outfile_XXXXXX";
        path = mkdtemp(t);
    }
    ~TmpDir()
    {
        std::string cmd = "rm -rf '" + path + "'";
        if (std::system(cmd.c_str()) != 0)
            std::fprintf(stderr, "could not remove %s\n", path.c_str());
    }
    std::string operator/(const std::string &f) const { return path + "/" + f; }
    // Names in the directory, sorted, joined by spaces.
    std::string listing() const
    {
        std::string out;
        DIR *d = opendir(path.c_str());
        std::vector<std::string> names;
        while (struct dirent *e = readdir(d))
            if (std::strcmp(e->d_name, ".") && std::strcmp(e->d_name, ".."))
                names.push_back(e->d_name);
        closedir(d);
        std::sort(names.begin(), names.end());
        for (auto &n : names)
            out += (out.empty() ? "" : " ") + n;
        return out;
    }
};

std::string slurp(const std::string &p)
{
    std::ifstream f(p);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

void spit(const std::string &p, const std::string &text)
{
    std::ofstream f(p);
    f << text;
}

} // namespace

TEST(Outfile, WrittenBesideThenRenamedIntoPlace)
{
    TmpDir d;
    spit(d / "out.csv", "old\n");
    le_outfile o;
    le_error e;
    ASSERT_EQ(le_outfile_open_path(&o, "--trace", (d / "out.csv").c_str(), &e), LE_OK) << e.msg;
    std::fputs("new\n", o.f);
    std::fflush(o.f);
    // While it is written, readers of out.csv still see the old, whole file.
    EXPECT_EQ(slurp(d / "out.csv"), "old\n");
    std::string tmp = "out.csv.tmp-" + std::to_string(getpid());
    EXPECT_EQ(d.listing(), "out.csv " + tmp);
    ASSERT_EQ(le_outfile_commit(&o, &e), LE_OK) << e.msg;
    EXPECT_EQ(slurp(d / "out.csv"), "new\n");
    EXPECT_EQ(d.listing(), "out.csv");
}

TEST(Outfile, ReplacedFileKeepsItsPermissions)
{
    TmpDir d;
    spit(d / "p.csv", "old\n");
    ASSERT_EQ(chmod((d / "p.csv").c_str(), 0640), 0);
    le_outfile o;
    le_error e;
    ASSERT_EQ(le_outfile_open_path(&o, "--predictions", (d / "p.csv").c_str(), &e), LE_OK) << e.msg;
    std::fputs("new\n", o.f);
    ASSERT_EQ(le_outfile_commit(&o, &e), LE_OK) << e.msg;
    struct stat st;
    ASSERT_EQ(stat((d / "p.csv").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0640u);
}

TEST(Outfile, DiscardLeavesTheOldFileAndNoTemporary)
{
    TmpDir d;
    spit(d / "r.json", "{}\n");
    le_outfile o;
    le_error e;
    ASSERT_EQ(le_outfile_open_path(&o, "--report", (d / "r.json").c_str(), &e), LE_OK) << e.msg;
    std::fputs("{\"half", o.f);
    le_outfile_discard(&o);
    le_outfile_discard(&o); // twice is harmless
    EXPECT_EQ(slurp(d / "r.json"), "{}\n");
    EXPECT_EQ(d.listing(), "r.json");
}

TEST(Outfile, FailedWriteNamesTheFileAndIsAnIoError)
{
    // /dev/full takes the open and refuses every write: the error comes at the flush.
    if (access("/dev/full", W_OK) != 0)
        GTEST_SKIP() << "no /dev/full";
    le_outfile o;
    le_error e;
    ASSERT_EQ(le_outfile_open_path(&o, "--trace", "/dev/full", &e), LE_OK) << e.msg;
    EXPECT_TRUE(o.in_place); // a device is written where it is, never renamed onto
    std::fputs("row\n", o.f);
    EXPECT_EQ(le_outfile_commit(&o, &e), LE_ERR_IO);
    EXPECT_NE(std::strstr(e.msg, "--trace /dev/full: write failed: "), nullptr) << e.msg;
    EXPECT_NE(std::strstr(e.msg, std::strerror(ENOSPC)), nullptr) << e.msg;
}

TEST(Outfile, MissingDirectoryFailsAtOpen)
{
    TmpDir d;
    le_outfile o;
    le_error e;
    EXPECT_EQ(le_outfile_open_path(&o, "--json", (d / "no/such/x.json").c_str(), &e), LE_ERR_IO);
    EXPECT_NE(std::strstr(e.msg, "--json "), nullptr) << e.msg;
    EXPECT_EQ(d.listing(), "");
}

TEST(Outfile, WriteInOneCall)
{
    TmpDir d;
    le_error e;
    auto ok = [](void *, FILE *f, const char *, le_error *) -> le_code {
        std::fputs("a,b\n", f);
        return LE_OK;
    };
    auto bad = [](void *, FILE *f, const char *name, le_error *err) -> le_code {
        std::fputs("half", f);
        return le_fail(err, LE_ERR_CONFIG, "%s: refused", name);
    };
    ASSERT_EQ(le_outfile_write("--predictions", (d / "p.csv").c_str(), ok, nullptr, &e), LE_OK) << e.msg;
    EXPECT_EQ(slurp(d / "p.csv"), "a,b\n");
    EXPECT_EQ(le_outfile_write("--predictions", (d / "p.csv").c_str(), bad, nullptr, &e), LE_ERR_CONFIG);
    EXPECT_EQ(slurp(d / "p.csv"), "a,b\n");
    EXPECT_EQ(d.listing(), "p.csv");
}

TEST(OutfileCheck, OutputOntoAnInputIsRefusedBeforeAnythingIsWritten)
{
    TmpDir d;
    spit(d / "net.yaml", "populations: []\n");
    ASSERT_EQ(symlink((d / "net.yaml").c_str(), (d / "link.yaml").c_str()), 0);
    ASSERT_EQ(link((d / "net.yaml").c_str(), (d / "hard.yaml").c_str()), 0);
    // The same file by its name, another spelling, a symbolic link and a hard link.
    const std::string names[] = {d / "net.yaml", d.path + "/./net.yaml", d / "link.yaml", d / "hard.yaml"};
    const std::string in = d / "net.yaml"; // le_io keeps the pointers
    for (const std::string &out : names) {
        le_io io;
        le_io_init(&io);
        le_io_input(&io, "network file", in.c_str());
        le_io_output(&io, "--trace", out.c_str());
        le_error e;
        EXPECT_EQ(le_io_check(&io, &e), LE_ERR_USAGE) << out;
        EXPECT_NE(std::strstr(e.msg, "would overwrite the network file"), nullptr) << e.msg;
    }
    EXPECT_EQ(slurp(d / "net.yaml"), "populations: []\n");
}

TEST(OutfileCheck, TwoOutputsOnOneFile)
{
    TmpDir d;
    le_io io;
    le_io_init(&io);
    std::string a = d / "x", b = d.path + "/../" + d.path.substr(5) + "/x"; // /tmp/D/x and /tmp/D/../D/x
    le_io_output(&io, "--trace", a.c_str());
    le_io_output(&io, "--report", b.c_str());
    le_error e;
    EXPECT_EQ(le_io_check(&io, &e), LE_ERR_USAGE);
    EXPECT_NE(std::strstr(e.msg, "name one file"), nullptr) << e.msg;

    le_io_init(&io);
    le_io_output(&io, "--trace", "-");
    le_io_output(&io, "--report", "-");
    EXPECT_EQ(le_io_check(&io, &e), LE_ERR_USAGE);
    EXPECT_NE(std::strstr(e.msg, "both write to stdout"), nullptr) << e.msg;

    // Two outputs thrown away on /dev/null clobber nothing.
    le_io_init(&io);
    le_io_output(&io, "--trace", "/dev/null");
    le_io_output(&io, "--report", "/dev/null");
    EXPECT_EQ(le_io_check(&io, &e), LE_OK) << e.msg;
}

TEST(OutfileCheck, DirectoriesAndPermissions)
{
    TmpDir d;
    le_error e;
    auto check = [&](const std::string &out) { // out outlives io
        le_io io;
        le_io_init(&io);
        le_io_output(&io, "--report", out.c_str());
        return le_io_check(&io, &e);
    };
    EXPECT_EQ(check(d / "fine.json"), LE_OK) << e.msg;
    EXPECT_EQ(d.listing(), ""); // checking writes nothing
    EXPECT_EQ(check(d / "missing/r.json"), LE_ERR_IO);
    EXPECT_NE(std::strstr(e.msg, "--report "), nullptr) << e.msg;
    EXPECT_EQ(check(d.path), LE_ERR_IO);
    EXPECT_NE(std::strstr(e.msg, "it is a directory, expected a file"), nullptr) << e.msg;
    EXPECT_EQ(check(""), LE_ERR_USAGE);
    spit(d / "f", "x");
    EXPECT_EQ(check(d / "f/r.json"), LE_ERR_IO); // a file where the directory should be
    if (geteuid() != 0) { // root writes anywhere
        ASSERT_EQ(mkdir((d / "ro").c_str(), 0555), 0);
        EXPECT_EQ(check(d / "ro/r.json"), LE_ERR_IO);
        EXPECT_NE(std::strstr(e.msg, "cannot write in directory"), nullptr) << e.msg;
    }
}

TEST(OutfileCheck, InputsThatDoNotExistAreTheReadersBusiness)
{
    // A shipped board's name is not a file: an output of that name is not "onto the input".
    TmpDir d;
    le_io io;
    le_io_init(&io);
    const std::string name = d / "nahuku32";
    le_io_input(&io, "board file", name.c_str());
    le_io_output(&io, "--trace", name.c_str());
    le_error e;
    EXPECT_EQ(le_io_check(&io, &e), LE_OK) << e.msg;
}
