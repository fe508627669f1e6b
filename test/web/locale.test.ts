import request from 'supertest';
import { Browser } from '../support/auth';
import { startTestApp, type TestApp } from '../support/test-app';

describe('language (zh-CN by default, en on request)', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp();
  });
  afterAll(() => testApp.close());

  it('with no preference, then pages are in Simplified Chinese', async () => {
    const response = await request(testApp.app).get('/login');
    expect(response.status).toBe(200);
    expect(response.text).toContain('<html lang="zh-CN">');
    expect(response.text).toContain('大调解案件管理');
  });

  it('when the browser asks for English, then pages are in English', async () => {
    const response = await request(testApp.app).get('/login').set('Accept-Language', 'en-US,en;q=0.9');
    expect(response.text).toContain('<html lang="en">');
    expect(response.text).toContain('Grand Mediation Case Management');
  });

  it('when the visitor chose a language, then the choice wins over the browser', async () => {
    const response = await request(testApp.app)
      .get('/login')
      .set('Accept-Language', 'en')
      .set('Cookie', 'lang=zh-CN');
    expect(response.text).toContain('<html lang="zh-CN">');
  });

  it('the language switch sets the cookie and returns to the page', async () => {
    const browser = new Browser(testApp.app);
    await browser.get('/login');
    const switched = await browser.post('/locale', { locale: 'en', returnTo: '/login?x=1' });
    expect(switched.status).toBe(303);
    expect(switched.headers.location).toBe('/login?x=1');
    const page = await browser.get('/login');
    expect(page.text).toContain('<html lang="en">');
  });

  it('the language switch never redirects off the site', async () => {
    const browser = new Browser(testApp.app);
    await browser.get('/login');
    const response = await browser.post('/locale', { locale: 'en', returnTo: '//evil.example/' });
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/');
  });

  it('an unknown language is a 400 naming the field, in the visitor’s language', async () => {
    const browser = new Browser(testApp.app);
    await browser.get('/login');
    const response = await browser
      .post('/locale', { locale: 'fr' })
      .set('Accept', 'application/json')
      .set('Accept-Language', 'en');
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
    expect(response.body.error.details[0].field).toBe('locale');
    expect(response.body.error.message).toMatch(/fields need correcting/);
  });

  it('an unknown page is a translated 404', async () => {
    const response = await request(testApp.app).get('/no-such-page');
    expect(response.status).toBe(404);
    expect(response.text).toContain('找不到该页面或记录');
  });
});
