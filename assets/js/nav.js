// Every page of the app, in one table. The router and the header both read
// it, so adding a page is: write assets/js/pages/<name>.js (exporting
// render(ctx), see router.js) and add one entry here.
//
// Fields:
//   path     hash route without "#/"; ":name" segments become ctx.params.name
//            (e.g. 'people/:handle' matches #/people/alice)
//   title    page title (document.title and the default heading)
//   label    text in the navigation (defaults to title)
//   nav      'primary' shows it in the header's main navigation, 'account'
//            in the profile/tokens sub-navigation; omit for no link
//   access   'user' (signed in; the default), 'guest' (signed out only),
//            or 'any'
//   roles    optional list of roles allowed (e.g. ['admin'])
//   navRoles optional list of roles the nav link is shown to, for a page
//            others may open too (the server decides, e.g. moderation)
//   page     () => import('./pages/x.js'); omit for a "coming soon" page
//   summary  one sentence describing the page (used by "coming soon")
//   section  path of the nav entry this page belongs to (a profile is in
//            'people'): that link is marked aria-current="true"
//   badge    'unread': the nav link shows the unread-notifications count
//   navClass extra class for the nav link's list item (e.g. 'nav-narrow-only')

export const ROUTES = [
  { path: 'home', title: 'Home', nav: 'primary', page: () => import('./pages/home.js') },
  {
    path: 'people', title: 'People', nav: 'primary', page: () => import('./pages/people.js'),
    summary: 'Find colleagues by name, skill, department or manager, and follow the people you work with.',
  },
  {
    path: 'notifications', title: 'Notifications', nav: 'primary', badge: 'unread',
    page: () => import('./pages/notifications.js'),
  },
  {
    path: 'communities', title: 'Communities', nav: 'primary', page: () => import('./pages/communities.js'),
    summary: 'Join communities around teams, projects and interests, and ask and answer questions there.',
  },
  {
    path: 'experts', title: 'Find an expert', label: 'Experts', nav: 'primary', page: () => import('./pages/experts.js'),
    summary: 'Who knows about a topic, judged by their answers, posts, bookmarks and endorsements.',
  },
  {
    path: 'bookmarks', title: 'Bookmarks', nav: 'primary', page: () => import('./pages/bookmarks.js'),
    summary: 'Save links with tags, see what colleagues save, and import or export your browser bookmarks.',
  },
  {
    // The header's search box leads here too; the link is for narrow
    // screens, where the box does not fit (navClass, see shell.js).
    path: 'search', title: 'Search', nav: 'primary', navClass: 'nav-narrow-only', page: () => import('./pages/search.js'),
    summary: 'Search posts, questions, answers, bookmarks and people.',
  },
  {
    // Customer data is sensitive: the API answers 403 to employees, so the
    // pages are not offered to them (router.js shows "No access").
    path: 'customers', title: 'Customer conversations', label: 'Customers', nav: 'primary',
    roles: ['admin', 'community_manager', 'analyst'], page: () => import('./pages/customers.js'),
    summary: 'What customers say on the support channels, and the collaboration each conversation drew.',
  },
  {
    path: 'reports', title: 'Reports', nav: 'primary', roles: ['admin', 'analyst'],
    page: () => import('./pages/reports.js'),
    summary: 'Customer care measured by effectiveness: resolution, satisfaction and internal collaboration.',
  },
  {
    // Community managers and admins moderate everywhere; a community's own
    // managers moderate it, which /me does not say: the page is open to
    // everyone signed in and shows "No access" when the queue answers 403.
    path: 'moderation', title: 'Moderation', nav: 'primary', navRoles: ['admin', 'community_manager'],
    page: () => import('./pages/moderation.js'),
    summary: 'Reported content, the actions taken on it and the policy terms.',
  },
  {
    path: 'admin', title: 'Admin', nav: 'primary', roles: ['admin'],
    page: () => import('./pages/admin.js'),
  },

  { path: 'profile', title: 'Your profile', label: 'Profile', nav: 'account', page: () => import('./pages/profile.js') },
  { path: 'tokens', title: 'Access tokens', nav: 'account', page: () => import('./pages/tokens.js') },

  { path: 'people/:handle', title: 'Profile', section: 'people', page: () => import('./pages/person.js') },
  { path: 'posts/:id', title: 'Post', page: () => import('./pages/post.js') },
  { path: 'tags/:tag', title: 'Tag', page: () => import('./pages/tag.js') },
  { path: 'communities/:slug', title: 'Community', section: 'communities', page: () => import('./pages/community.js') },
  { path: 'communities/:slug/ask', title: 'Ask a question', section: 'communities', page: () => import('./pages/ask.js') },
  { path: 'questions/:id', title: 'Question', section: 'communities', page: () => import('./pages/question.js') },
  {
    path: 'customers/conversations/:id', title: 'Customer conversation', section: 'customers',
    roles: ['admin', 'community_manager', 'analyst'], page: () => import('./pages/conversation.js'),
  },
  {
    path: 'customers/channels', title: 'Customer channels', label: 'Channels', section: 'customers',
    roles: ['admin', 'community_manager'], page: () => import('./pages/channels.js'),
  },

  { path: 'signin', title: 'Sign in', access: 'guest', page: () => import('./pages/signin.js') },
  { path: 'register', title: 'Create an account', access: 'guest', page: () => import('./pages/register.js') },
];

/** Where "#/" (or the brand link) leads. */
export const HOME = { signedIn: 'home', signedOut: 'signin' };

/** The routes a user may see in the given navigation ('primary'|'account'). */
export function navItems(which, user) {
  return ROUTES.filter((r) => r.nav === which && canSee(r, user)
    && (!r.navRoles || (!!user && r.navRoles.includes(user.role))));
}

export function canSee(route, user) {
  const access = route.access || 'user';
  if (access === 'guest') return !user;
  if (access === 'user' && !user) return false;
  return !route.roles || (user && route.roles.includes(user.role));
}
