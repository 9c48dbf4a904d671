package flake

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gonix/gonix/store"
	"github.com/gonix/gonix/store/fetch"
)

// git runs the git CLI in dir and returns its trimmed output.
func git(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", append([]string{"-C", dir}, args...)...)
	cmd.Env = append(os.Environ(), "GIT_TERMINAL_PROMPT=0", "LC_ALL=C")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(errb.String()))
	}
	return strings.TrimRight(out.String(), "\n"), nil
}

// gitRepoLocation returns the local work tree of a git input, or "" for
// a remote (or bare) repository.
func gitRepoLocation(in *Input) (string, *URL, error) {
	u, err := ParseURL(in.Attrs.Str("url"), false)
	if err != nil {
		return "", nil, err
	}
	if u.Scheme == "file" {
		p, err := urlPathToPath(u.Path)
		if err != nil {
			return "", nil, err
		}
		if exists(p) && exists(filepath.Join(p, ".git")) {
			abs, _ := filepath.Abs(p)
			return abs, u, nil
		}
		u.Query = map[string]string{}
	}
	return "", u, nil
}

// workdirInfo describes a local work tree.
type workdirInfo struct {
	dirty   bool
	headRev string // "" when there are no commits
	files   map[string]bool
	dirs    map[string]bool
}

func readWorkdir(repo string) (*workdirInfo, error) {
	w := &workdirInfo{files: map[string]bool{}, dirs: map[string]bool{}}
	if rev, err := git(repo, "rev-parse", "--verify", "-q", "HEAD^{commit}"); err == nil {
		w.headRev = rev
	}
	st, err := git(repo, "status", "--porcelain", "--untracked-files=no", "--ignore-submodules=dirty")
	if err != nil {
		return nil, err
	}
	w.dirty = st != "" || w.headRev == "" && hasIndexEntries(repo)
	ls, err := git(repo, "ls-files", "-z", "--cached")
	if err != nil {
		return nil, err
	}
	for _, f := range strings.Split(ls, "\x00") {
		if f == "" {
			continue
		}
		w.files[f] = true
		for d := filepath.Dir(f); d != "." && d != "/"; d = filepath.Dir(d) {
			w.dirs[d] = true
		}
	}
	return w, nil
}

func hasIndexEntries(repo string) bool {
	out, err := git(repo, "ls-files", "--cached")
	return err == nil && out != ""
}

func gitCommitTime(repo, rev string) (uint64, error) {
	s, err := git(repo, "log", "-1", "--format=%ct", rev)
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseUint(strings.TrimSpace(s), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("bad commit time '%s' of %s", s, rev)
	}
	return n, nil
}

func gitRevCount(repo, rev string) (uint64, error) {
	s, err := git(repo, "rev-list", "--count", rev)
	if err != nil {
		return 0, err
	}
	return strconv.ParseUint(strings.TrimSpace(s), 10, 64)
}

func (s *Settings) fetchGit(in *Input) (string, *Input, error) {
	if in.Attrs.Bool("submodules") {
		return "", nil, fmt.Errorf("fetching Git submodules is not supported by gonix yet (input '%s')", in)
	}
	if in.Attrs.Bool("lfs") {
		return "", nil, fmt.Errorf("fetching Git LFS files is not supported by gonix yet (input '%s')", in)
	}
	repo, u, err := gitRepoLocation(in)
	if err != nil {
		return "", nil, err
	}
	if repo != "" && in.Ref() == "" && in.Rev() == "" {
		return s.fetchGitWorkdir(in, repo)
	}
	res := in.Clone()
	ref := in.Ref()
	if ref == "" {
		ref = s.defaultGitRef(repo, u)
		res.Attrs["ref"] = Str(ref)
	}
	location := repo
	if location == "" {
		location = s.rewrite(u.String())
	}
	gr, err := s.Fetcher.FetchGit(location, fetch.GitOptions{Ref: ref, Rev: in.Rev(), Name: in.Name()})
	if err != nil {
		return "", nil, err
	}
	res.Attrs["rev"] = Str(gr.Rev)
	if _, ok := res.LastModified(); !ok {
		res.Attrs["lastModified"] = Int(uint64(gr.LastModified))
	}
	if !in.Attrs.Bool("shallow") {
		if _, ok := res.RevCount(); !ok {
			res.Attrs["revCount"] = Int(uint64(gr.RevCount))
		}
	}
	return gr.Path, res, nil
}

// defaultGitRef is the branch HEAD points to: the work tree's branch for
// a local repository, the remote's HEAD target (refs/heads/...) else.
func (s *Settings) defaultGitRef(repo string, u *URL) string {
	if repo != "" {
		if ref, err := git(repo, "symbolic-ref", "-q", "--short", "HEAD"); err == nil && ref != "" {
			return ref
		}
	} else {
		out, err := git(".", "ls-remote", "--symref", s.rewrite(u.String()), "HEAD")
		if err == nil {
			line, _, _ := strings.Cut(out, "\n")
			if rest, ok := strings.CutPrefix(line, "ref: "); ok {
				target, _, _ := strings.Cut(rest, "\t")
				return target
			}
			if f := strings.Fields(line); len(f) == 2 && f[1] == "HEAD" {
				return f[0]
			}
		}
		s.warn(fmt.Sprintf("could not read HEAD ref from repo at '%s', using 'master'", u))
		return "master"
	}
	s.warn(fmt.Sprintf("could not read HEAD ref from repo at '%s', using 'master'", repo))
	return "master"
}

// fetchGitWorkdir copies the tracked files of a local work tree (with
// their current contents) into the store.
func (s *Settings) fetchGitWorkdir(in *Input, repo string) (string, *Input, error) {
	w, err := readWorkdir(repo)
	if err != nil {
		return "", nil, err
	}
	res := in.Clone()
	if !w.dirty {
		if ref, err := git(repo, "symbolic-ref", "-q", "--short", "HEAD"); err == nil && ref != "" {
			res.Attrs["ref"] = Str(ref)
		}
		rev := w.headRev
		if rev == "" {
			rev = nullRev
		}
		res.Attrs["rev"] = Str(rev)
		if !in.Attrs.Bool("shallow") {
			n := uint64(0)
			if rev != nullRev {
				if n, err = gitRevCount(repo, rev); err != nil {
					return "", nil, err
				}
			}
			res.Attrs["revCount"] = Int(n)
		}
	} else {
		if !s.AllowDirty {
			return "", nil, fmt.Errorf("Git tree '%s' is dirty", repo)
		}
		if s.WarnDirty {
			s.warn(fmt.Sprintf("Git tree '%s' is dirty", repo))
		}
		if w.headRev != "" {
			res.Attrs["dirtyRev"] = Str(w.headRev + "-dirty")
			res.Attrs["dirtyShortRev"] = Str(w.headRev[:7] + "-dirty")
		}
	}
	lm := uint64(0)
	if w.headRev != "" {
		if lm, err = gitCommitTime(repo, w.headRev); err != nil {
			return "", nil, err
		}
	}
	res.Attrs["lastModified"] = Int(lm)
	filter := func(p string, mode fs.FileMode) (bool, error) {
		rel, err := filepath.Rel(repo, p)
		if err != nil {
			return false, nil
		}
		if mode.IsDir() {
			return w.dirs[rel], nil
		}
		return w.files[rel], nil
	}
	p, err := s.Store.AddPath(repo, store.AddOptions{Name: in.Name(), Filter: filter})
	if err != nil {
		return "", nil, err
	}
	return p, res, nil
}
