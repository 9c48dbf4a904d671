package flake

import (
	"bufio"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

func (in *Input) forgeHost() string {
	if h := in.Attrs.Str("host"); h != "" {
		return h
	}
	switch in.Type() {
	case "gitlab":
		return "gitlab.com"
	case "sourcehut":
		return "git.sr.ht"
	}
	return "github.com"
}

// accessToken finds the token for a host, preferring the longest
// "host/owner/repo" prefix match (Nix's access-tokens).
func (s *Settings) accessToken(host, hostAndPath string) string {
	best, bestLen := "", 0
	for k, v := range s.AccessTokens {
		if strings.HasPrefix(hostAndPath, k) && len(k) > bestLen &&
			(len(hostAndPath) == len(k) || hostAndPath[len(k)] == '/') {
			best, bestLen = v, len(k)
		}
	}
	if best != "" {
		return best
	}
	return s.AccessTokens[host]
}

func (s *Settings) forgeHeaders(in *Input) map[string]string {
	host := in.forgeHost()
	tok := s.accessToken(host, host+"/"+in.Attrs.Str("owner")+"/"+in.Attrs.Str("repo"))
	if tok == "" {
		return nil
	}
	switch in.Type() {
	case "gitlab":
		kind, val, ok := strings.Cut(tok, ":")
		switch {
		case ok && kind == "OAuth2":
			return map[string]string{"Authorization": "Bearer " + val}
		case ok && kind == "PAT":
			return map[string]string{"Private-token": val}
		case ok:
			s.warn(fmt.Sprintf("Unrecognized GitLab token type %s", kind))
			return map[string]string{kind: val}
		}
		s.warn(fmt.Sprintf("Unrecognized GitLab token type %s", tok))
		return nil
	case "sourcehut":
		return map[string]string{"Authorization": "Bearer " + tok}
	}
	return map[string]string{"Authorization": "token " + tok}
}

// forgeRevFromRef asks the forge which commit a branch or tag is.
func (s *Settings) forgeRevFromRef(in *Input, ref string) (string, error) {
	host, owner, repo := in.forgeHost(), in.Attrs.Str("owner"), in.Attrs.Str("repo")
	headers := s.forgeHeaders(in)
	switch in.Type() {
	case "github":
		u := fmt.Sprintf("https://api.%s/repos/%s/%s/commits/%s", host, owner, repo, ref)
		if host != "github.com" {
			u = fmt.Sprintf("https://%s/api/v3/repos/%s/%s/commits/%s", host, owner, repo, ref)
		}
		data, err := s.downloadWith(u, headers)
		if err != nil {
			return "", err
		}
		var reply struct {
			Sha string `json:"sha"`
		}
		if err := json.Unmarshal(data, &reply); err != nil || !IsRev(reply.Sha) {
			return "", fmt.Errorf("unexpected response from GitHub for '%s': %s", u, truncate(string(data), 200))
		}
		return strings.ToLower(reply.Sha), nil
	case "gitlab":
		u := fmt.Sprintf("https://%s/api/v4/projects/%s%%2F%s/repository/commits?ref_name=%s", host, owner, repo, ref)
		data, err := s.downloadWith(u, headers)
		if err != nil {
			return "", err
		}
		var reply []struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(data, &reply); err != nil {
			return "", fmt.Errorf("Unexpected response received from GitLab: %s", truncate(string(data), 200))
		}
		if len(reply) == 0 {
			return "", fmt.Errorf("No commits returned by GitLab API -- does the git ref really exist?")
		}
		if !IsRev(reply[0].ID) {
			return "", fmt.Errorf("Unexpected response received from GitLab: %s", truncate(string(data), 200))
		}
		return strings.ToLower(reply[0].ID), nil
	}
	// sourcehut: read HEAD and info/refs over the dumb HTTP protocol.
	base := fmt.Sprintf("https://%s/%s/%s", host, owner, repo)
	refPattern := "refs/(heads|tags)/" + regexp.QuoteMeta(ref)
	if ref == "HEAD" {
		data, err := s.downloadWith(base+"/HEAD", headers)
		if err != nil {
			return "", err
		}
		line := strings.TrimSpace(strings.SplitN(string(data), "\n", 2)[0])
		target, ok := strings.CutPrefix(line, "ref: ")
		if !ok {
			return "", fmt.Errorf("in '%s', couldn't resolve HEAD ref '%s'", in, ref)
		}
		refPattern = regexp.QuoteMeta(target)
	}
	re, err := regexp.Compile("^" + refPattern + "$")
	if err != nil {
		return "", err
	}
	data, err := s.downloadWith(base+"/info/refs", headers)
	if err != nil {
		return "", err
	}
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 2 && re.MatchString(f[1]) && IsRev(f[0]) {
			return strings.ToLower(f[0]), nil
		}
	}
	return "", fmt.Errorf("in '%s', couldn't find ref '%s'", in, ref)
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// forgeArchiveURL is where the tarball of a commit is.
func (s *Settings) forgeArchiveURL(in *Input, rev string, headers map[string]string) string {
	host, owner, repo := in.forgeHost(), in.Attrs.Str("owner"), in.Attrs.Str("repo")
	switch in.Type() {
	case "gitlab":
		return fmt.Sprintf("https://%s/api/v4/projects/%s%%2F%s/repository/archive.tar.gz?sha=%s", host, owner, repo, rev)
	case "sourcehut":
		return fmt.Sprintf("https://%s/%s/%s/archive/%s.tar.gz", host, owner, repo, rev)
	}
	switch {
	case host != "github.com":
		return fmt.Sprintf("https://%s/api/v3/repos/%s/%s/tarball/%s", host, owner, repo, rev)
	case len(headers) == 0:
		return fmt.Sprintf("https://%s/%s/%s/archive/%s.tar.gz", host, owner, repo, rev)
	}
	return fmt.Sprintf("https://api.%s/repos/%s/%s/tarball/%s", host, owner, repo, rev)
}

func (s *Settings) fetchForge(in *Input) (string, *Input, error) {
	res := in.Clone()
	rev := in.Rev()
	if rev == "" {
		ref := in.Ref()
		if ref == "" {
			ref = "HEAD"
		}
		var err error
		if rev, err = s.forgeRevFromRef(in, ref); err != nil {
			return "", nil, err
		}
	}
	delete(res.Attrs, "ref")
	res.Attrs["rev"] = Str(rev)
	headers := s.forgeHeaders(in)
	p, mtime, _, err := s.downloadArchiveToStore(s.forgeArchiveURL(in, rev, headers), in.Name(), headers)
	if err != nil {
		return "", nil, err
	}
	res.Attrs["lastModified"] = Int(uint64(mtime))
	return p, res, nil
}
