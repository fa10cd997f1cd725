import { createContext, useCallback, useContext } from 'react';

/**
 * The mini-app's texts: zh-CN first, English available (the switch in the
 * header; the choice is remembered on the device). `en` must have every key
 * of `zh` — the type says so.
 */
export type Lang = 'zh' | 'en';

const zh = {
  'app.title': '售后服务台',
  'app.lang': 'English',
  'signin.signingIn': '正在通过钉钉免登…',
  'signin.loading': '加载中…',
  'signin.notInDingTalk.title': '请从钉钉中打开',
  'signin.notInDingTalk.body':
    '售后服务台微应用通过钉钉免登识别您的身份，没有单独的账号和密码。请在钉钉工作台中打开“售后服务台”；使用本地模拟器时，请在模拟器聊天页点击“打开微应用（免登）”。',
  'signin.failed.title': '登录失败',
  'signin.authCodeInvalid':
    '免登授权码无效或已过期（授权码 5 分钟内有效且只能使用一次）。请从钉钉重新打开微应用。',
  'signin.notInDirectory': '您的钉钉账号未在售后服务台登记为客户联系人或服务人员，请联系服务台管理员开通。',
  'signin.sessionEnded': '登录已过期，请从钉钉重新打开微应用。',
  'signin.retry': '重试',
  'signin.signedOut.title': '已退出登录',
  'signin.signedOut.body': '如需继续使用，请从钉钉重新打开微应用。',
  'home.hello': '您好，{name}',
  'home.organisation': '所属单位',
  'home.teams': '所属团队',
  'home.roles': '角色',
  'home.userId': '钉钉账号',
  'home.sessionUntil': '本次登录最晚有效至 {time}',
  'home.features': '功能',
  'home.noFeatures': '您的角色暂无可用功能。',
  'home.signOut': '退出登录',
  'home.signOutConfirm': '确定退出登录吗？',
  'soon.title': '即将上线',
  'soon.body': '“{name}”正在开发中，敬请期待。',
  'nav.back': '返回',
  'nav.home': '首页',
  'notFound.title': '页面不存在',
  'role.customer': '客户',
  'role.engineer': '服务工程师',
  'role.dispatcher': '分拣中心调度',
  'role.teamLead': '组长 / 值班负责人',
  'role.productCentre': '产品中心',
  'role.admin': '服务台管理员',
  'feature.calendar': '工作日历',
  'feature.sla': 'SLA 策略',
  'feature.teams': '团队与路由',
  'feature.oncall': '值班表',
  'feature.customers': '客户与授权',
  'feature.triage': '分拣队列',
  'feature.myTickets': '我的工单',
  'feature.newTicket': '新建工单',
  'feature.reports': '服务报表',
  'feature.suggestions': '建议看板',
  'feature.audit': '变更记录',
  'feature.myBookings': '我的预约',
  'feature.bookingAdmin': '预约管理',
  'common.save': '保存',
  'common.saved': '已保存',
  'common.cancel': '取消',
  'common.delete': '删除',
  'common.add': '添加',
  'common.refresh': '刷新',
  'common.loading': '加载中…',
  'common.empty': '暂无数据',
  'common.retry': '重试',
  'common.fixErrors': '请先改正标红的内容。',
  'common.confirmDelete': '确定删除吗？',
  'error.network': '网络连接失败，请检查网络后重试。',
  'error.unauthenticated': '登录已过期，请从钉钉重新打开微应用。',
  'error.forbidden': '您的角色无权进行此操作。',
  'error.notFound': '要找的内容不存在。',
  'error.validation': '提交的内容不正确。',
  'error.unavailable': '服务暂时不可用，请稍后再试。',
  'error.internal': '服务器出错了，请稍后再试。',
  'error.requestId': '请求编号 {id}',
};

export type TextKey = keyof typeof zh;

const en: Record<TextKey, string> = {
  'app.title': 'Service desk',
  'app.lang': '中文',
  'signin.signingIn': 'Signing in with DingTalk…',
  'signin.loading': 'Loading…',
  'signin.notInDingTalk.title': 'Please open this from DingTalk',
  'signin.notInDingTalk.body':
    'The service desk mini-app knows who you are through DingTalk sign-in (免登); there is no separate account or password. Open “售后服务台” from the DingTalk workbench; with the local simulator, click “打开微应用（免登）” on its chat page.',
  'signin.failed.title': 'Sign-in failed',
  'signin.authCodeInvalid':
    'The DingTalk sign-in code is invalid or has expired (codes are valid for 5 minutes and only once). Please open the mini-app from DingTalk again.',
  'signin.notInDirectory':
    'Your DingTalk account is not registered with the service desk as a customer contact or staff member. Please ask the service desk admin.',
  'signin.sessionEnded': 'Your session has expired. Please open the mini-app from DingTalk again.',
  'signin.retry': 'Retry',
  'signin.signedOut.title': 'Signed out',
  'signin.signedOut.body': 'To continue, open the mini-app from DingTalk again.',
  'home.hello': 'Hello, {name}',
  'home.organisation': 'Organisation',
  'home.teams': 'Teams',
  'home.roles': 'Roles',
  'home.userId': 'DingTalk user',
  'home.sessionUntil': 'Signed in until {time} at the latest',
  'home.features': 'Features',
  'home.noFeatures': 'No features for your role yet.',
  'home.signOut': 'Sign out',
  'home.signOutConfirm': 'Sign out now?',
  'soon.title': 'Coming soon',
  'soon.body': '“{name}” is being built.',
  'nav.back': 'Back',
  'nav.home': 'Home',
  'notFound.title': 'Page not found',
  'role.customer': 'Customer',
  'role.engineer': 'Service engineer',
  'role.dispatcher': 'Dispatcher (sorting centre)',
  'role.teamLead': 'Team lead / on-call',
  'role.productCentre': 'Product centre',
  'role.admin': 'Service desk admin',
  'feature.calendar': 'Working calendar',
  'feature.sla': 'SLA policies',
  'feature.teams': 'Teams and routing',
  'feature.oncall': 'On-call rosters',
  'feature.customers': 'Customers and licences',
  'feature.triage': 'Triage queue',
  'feature.myTickets': 'My tickets',
  'feature.newTicket': 'New ticket',
  'feature.reports': 'Service reports',
  'feature.suggestions': 'Suggestion board',
  'feature.audit': 'Change history',
  'feature.myBookings': 'My bookings',
  'feature.bookingAdmin': 'Bookings',
  'common.save': 'Save',
  'common.saved': 'Saved',
  'common.cancel': 'Cancel',
  'common.delete': 'Delete',
  'common.add': 'Add',
  'common.refresh': 'Refresh',
  'common.loading': 'Loading…',
  'common.empty': 'Nothing here yet',
  'common.retry': 'Retry',
  'common.fixErrors': 'Please correct the fields marked in red first.',
  'common.confirmDelete': 'Delete this?',
  'error.network': 'Could not reach the server. Check the network and try again.',
  'error.unauthenticated': 'Your session has expired. Please open the mini-app from DingTalk again.',
  'error.forbidden': 'Your role may not do this.',
  'error.notFound': 'Not found.',
  'error.validation': 'Something in the request is not right.',
  'error.unavailable': 'The service is unavailable for a moment. Please try again.',
  'error.internal': 'Something went wrong on the server. Please try again.',
  'error.requestId': 'request {id}',
};

const texts: Record<Lang, Record<TextKey, string>> = { zh, en };

export function translate(lang: Lang, key: TextKey, vars: Record<string, string> = {}): string {
  return fill(texts[lang][key], vars);
}

function fill(text: string, vars: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (m, name: string) => vars[name] ?? m);
}

/**
 * A screen's own texts, beside the screen (features/x/texts.ts), so that
 * this file keeps only what several screens share. `en` must have every key
 * of `zh`.
 */
export interface Texts<K extends string> {
  zh: Record<K, string>;
  en: Record<K, string>;
}

export function defineTexts<const Z extends Record<string, string>>(
  zh: Z,
  en: Record<keyof Z, string>,
): Texts<keyof Z & string> {
  return { zh, en } as Texts<keyof Z & string>;
}

export type Translate<K extends string> = (key: K, vars?: Record<string, string | number>) => string;

/** The screen's translate function for the chosen language. */
export function useTexts<K extends string>(texts: Texts<K>): Translate<K> {
  const { lang } = useI18n();
  return useCallback(
    (key: K, vars: Record<string, string | number> = {}) =>
      fill(texts[lang][key], Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, String(v)]))),
    [lang, texts],
  );
}

export function isTextKey(key: string): key is TextKey {
  return key in zh;
}

const storageKey = 'desk.lang';

export function initialLang(): Lang {
  try {
    return localStorage.getItem(storageKey) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

export function rememberLang(lang: Lang): void {
  try {
    localStorage.setItem(storageKey, lang);
  } catch {
    // private mode: the choice lasts for this page only
  }
}

export interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  t(key: TextKey, vars?: Record<string, string>): string;
}

export const I18nContext = createContext<I18n>({
  lang: 'zh',
  setLang: () => {},
  t: (key, vars) => translate('zh', key, vars),
});

export function useI18n(): I18n {
  return useContext(I18nContext);
}
