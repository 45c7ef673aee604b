// The console's frame: who is signed in, what they may open, and the page.
import { useEffect, useState } from 'react';
import { Link } from './components';
import { officeZh } from './format';
import { match, navigate, useLocation } from './router';
import { clearToken, currentUser, setToken, type SessionUser } from './session';
import { ApplicationDetail } from './pages/ApplicationDetail';
import { Applications } from './pages/Applications';
import { BaseDetail } from './pages/BaseDetail';
import { CalendarFeeds } from './pages/CalendarFeeds';
import { Dashboard } from './pages/Dashboard';
import { Bases } from './pages/Bases';
import { Experts } from './pages/Experts';
import { Inbox } from './pages/Inbox';
import { NewApplication } from './pages/NewApplication';
import { NoticeBoard } from './pages/NoticeBoard';
import { Offices } from './pages/Offices';
import { Ops } from './pages/Ops';
import { SignIn, SignInCallback } from './pages/SignIn';

/**
 * A sign-in in front of the console (an OIDC provider, or a reverse proxy
 * speaking to one) may return to `/signin#access_token=<JWT>`: the token is
 * taken from the fragment (never sent to a server), kept for this tab, and
 * the fragment removed.
 */
function takeTokenFromFragment(): void {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const token = params.get('access_token') ?? params.get('id_token');
  if (!token) return;
  setToken(token);
  history.replaceState(null, '', location.pathname === '/signin' ? '/' : location.pathname + location.search);
}
takeTokenFromFragment();

interface NavItem {
  to: string;
  label: string;
  show: (u: SessionUser | null) => boolean;
}

const NAV: NavItem[] = [
  { to: '/', label: '待办', show: (u) => !!u },
  { to: '/applications', label: '申报', show: (u) => !!u },
  { to: '/bases', label: '基地', show: (u) => !!u && u.role !== 'expert' },
  { to: '/experts', label: '专家库', show: (u) => u?.role === 'provinceOfficer' },
  { to: '/offices', label: '办公室名录', show: (u) => u?.role === 'provinceOfficer' || u?.role === 'ops' || u?.role === 'prefectureOfficer' },
  { to: '/dashboard', label: '统计', show: (u) => u?.role === 'provinceOfficer' || u?.role === 'prefectureOfficer' },
  { to: '/calendar-feeds', label: '日历订阅', show: (u) => !!u && u.role !== 'ops' },
  { to: '/notices', label: '公示栏', show: () => true },
  { to: '/ops', label: '运维', show: (u) => u?.role === 'ops' },
];

function Page({ path, user }: { path: string; user: SessionUser | null }) {
  if (path === '/notices') return <NoticeBoard />;
  if (path === '/signin') return <SignIn />;
  if (path === '/signin/callback') return <SignInCallback />;
  if (!user) return <SignIn next={path} />;
  if (path === '/') return <Inbox user={user} />;
  if (path === '/applications') return <Applications user={user} />;
  if (path === '/applications/new') return <NewApplication user={user} />;
  let m = match('/applications/:id', path);
  if (m) return <ApplicationDetail id={m.id!} user={user} />;
  if (path === '/bases') return <Bases user={user} />;
  m = match('/bases/:id', path);
  if (m) return <BaseDetail id={m.id!} user={user} />;
  if (path === '/ops' && user.role === 'ops') return <Ops />;
  if (path === '/experts' && user.role === 'provinceOfficer') return <Experts />;
  if (path === '/offices' && (user.role === 'provinceOfficer' || user.role === 'ops' || user.role === 'prefectureOfficer')) return <Offices user={user} />;
  if (path === '/dashboard' && (user.role === 'provinceOfficer' || user.role === 'prefectureOfficer')) return <Dashboard user={user} />;
  if (path === '/calendar-feeds' && user.role !== 'ops') return <CalendarFeeds />;
  return (
    <section className="card">
      <h2>没有这个页面</h2>
      <p>
        <Link to="/">返回待办</Link>
      </p>
    </section>
  );
}

export function App() {
  const { path } = useLocation();
  const [user, setUser] = useState<SessionUser | null>(currentUser());
  useEffect(() => {
    const refresh = () => setUser(currentUser());
    window.addEventListener('liangshan:session', refresh);
    return () => window.removeEventListener('liangshan:session', refresh);
  }, []);
  useEffect(() => setUser(currentUser()), [path]);

  const signOut = () => {
    clearToken();
    setUser(null);
    navigate('/signin');
  };

  return (
    <div className="app">
      <header className="topbar">
        <div className="brand">
          <span className="logo" aria-hidden>山</span>
          <span>
            <strong>“两山”实践创新基地管理系统</strong>
            <small>贵州省生态环境厅</small>
          </span>
        </div>
        <nav aria-label="主导航">
          {NAV.filter((n) => n.show(user)).map((n) => (
            <Link key={n.to} to={n.to} className={(n.to === '/' ? path === '/' : path.startsWith(n.to)) ? 'active' : ''}>
              {n.label}
            </Link>
          ))}
        </nav>
        <div className="who">
          {user ? (
            <>
              <span data-testid="who">
                {/* The office the person acts for, then their name when the token carries one: never an account id. */}
                {officeZh(user.role, user.prefecture)}
                {user.name ? ` · ${user.name}` : ''}
              </span>
              <button type="button" className="link" onClick={signOut}>
                退出
              </button>
            </>
          ) : (
            <Link to="/signin">登录</Link>
          )}
        </div>
      </header>
      <main>
        <Page path={path} user={user} />
      </main>
      <footer className="muted">依据《贵州省“绿水青山就是金山银山”实践创新基地建设管理规程（试行）》 · 时间均为北京时间</footer>
    </div>
  );
}
